using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Gateway.Security;

namespace Platform.Gateway.Apis;

/// <summary>
/// The operator's view of the cluster as the node that answers sees it: which silos it knows, their state, and which
/// one it is itself. Nothing of any workspace is in it.
/// </summary>
internal static class ClusterApi
{
    public static IEndpointRouteBuilder MapClusterApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/cluster", GetCluster).RequireAuthorization(PlatformPolicies.Operator).WithTags("Operator").WithName("GetCluster");
        return routes;
    }

    public static Ok<ClusterView> GetCluster(IClusterMembershipService membership, ILocalSiloDetails local)
    {
        var snapshot = membership.CurrentSnapshot;
        var silos = snapshot.Members.Values
            .OrderBy(static m => m.SiloAddress.ToParsableString(), StringComparer.Ordinal)
            .Select(static m => new ClusterSiloView(m.SiloAddress.ToParsableString(), m.Name, m.Status.ToString().ToLowerInvariant()))
            .ToArray();
        return TypedResults.Ok(new ClusterView(local.SiloAddress.ToParsableString(), local.Name, snapshot.Version.Value, silos));
    }
}
