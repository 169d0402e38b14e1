namespace Platform.Gateway.Apis;

/// <summary>One silo of the cluster.</summary>
/// <param name="Address">Its silo address (<c>ip:port@generation</c>).</param>
/// <param name="Name">Its node name.</param>
/// <param name="Status"><c>joining</c>, <c>active</c>, <c>shuttingdown</c>, <c>stopping</c> or <c>dead</c>.</param>
internal sealed record ClusterSiloView(string Address, string Name, string Status);
