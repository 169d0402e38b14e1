namespace Platform.Gateway.Apis;

/// <summary>The cluster as one node sees it.</summary>
/// <param name="Node">This node's silo address (<c>ip:port@generation</c>).</param>
/// <param name="NodeName">This node's name (<c>Silo:NodeName</c>).</param>
/// <param name="MembershipVersion">The version of the membership view the answer comes from.</param>
/// <param name="Silos">Every silo in that view, dead ones included until the membership table forgets them.</param>
internal sealed record ClusterView(string Node, string NodeName, long MembershipVersion, IReadOnlyList<ClusterSiloView> Silos);
