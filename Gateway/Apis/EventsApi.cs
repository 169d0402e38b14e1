using System.Collections.Immutable;
using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Gateway.Security;
using Platform.Grains.Interfaces.Events;
using Platform.Grains.Interfaces.Workspaces;

namespace Platform.Gateway.Apis;

/// <summary>The caller's workspace's event feed: approvals asked and decided, budget warnings, runs finished.</summary>
internal static class EventsApi
{
    public static IEndpointRouteBuilder MapEventsApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/events", ListAsync)
            .RequireAuthorization(PlatformPolicies.Scope(ApiKeyScope.Member))
            .WithTags("Events")
            .WithName("ListEvents");
        return routes;
    }

    public static async Task<Ok<ImmutableArray<WorkspaceEvent>>> ListAsync(CallerWorkspace caller, IGrainFactory grains, int limit = 100)
    {
        if (limit is < 1 or > 500)
        {
            throw new ArgumentException("limit must be between 1 and 500.", nameof(limit));
        }

        return TypedResults.Ok(await grains.GetGrain<IWorkspaceEventsGrain>(caller.WorkspaceId).ListAsync(limit));
    }
}
