using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Gateway.Security;
using Platform.Grains.Interfaces.Workspaces;
using Platform.Grains.Workspaces;

namespace Platform.Gateway.Apis;

/// <summary>
/// What the operator may do: create workspaces and find them again. No operator route returns workspace content: a
/// workspace shows as id, name, creation time, cap and spend, never its members, policy, keys or runs.
/// </summary>
internal static class OperatorApi
{
    public static IEndpointRouteBuilder MapOperatorApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/workspaces").RequireAuthorization(PlatformPolicies.Operator).WithTags("Operator");
        api.MapPost("/", CreateWorkspaceAsync).WithName("CreateWorkspace");
        api.MapGet("/", ListWorkspacesAsync).WithName("ListWorkspaces");
        api.MapGet("/{workspaceId}", GetWorkspaceAsync).WithName("GetWorkspaceSummary");
        return routes;
    }

    public static async Task<Created<CreateWorkspaceResponse>> CreateWorkspaceAsync(CreateWorkspaceRequest request, IGrainFactory grains)
    {
        ArgumentNullException.ThrowIfNull(request);
        var workspaceId = WorkspaceIds.NewWorkspaceId();
        var created = await grains.GetGrain<IWorkspaceGrain>(workspaceId).CreateAsync(request.Name, request.OwnerUserId, request.OwnerDisplayName);
        return TypedResults.Created($"/api/workspaces/{created.WorkspaceId}", new CreateWorkspaceResponse(created.WorkspaceId, created.OwnerKey.Token));
    }

    /// <summary>Every workspace, oldest first, with its cap and spend this period.</summary>
    public static async Task<Ok<WorkspacePage>> ListWorkspacesAsync(IGrainFactory grains, string? after = null, int limit = WorkspaceRegistryGrain.MaxLimit)
    {
        if (after is not null && !WorkspaceIds.IsValid(after))
        {
            throw new ArgumentException("after must be a workspace id (the \"next\" of the previous page).", nameof(after));
        }

        if (limit is < 1 or > WorkspaceRegistryGrain.MaxLimit)
        {
            throw new ArgumentException($"limit must be between 1 and {WorkspaceRegistryGrain.MaxLimit}.", nameof(limit));
        }

        return TypedResults.Ok(await Registry(grains).ListAsync(after, limit));
    }

    public static async Task<Ok<WorkspaceSummary>> GetWorkspaceAsync(string workspaceId, IGrainFactory grains) =>
        WorkspaceIds.IsValid(workspaceId)
            ? TypedResults.Ok(await Registry(grains).GetAsync(workspaceId))
            : throw new WorkspaceNotFoundException($"No workspace '{workspaceId}'.");

    private static IWorkspaceRegistryGrain Registry(IGrainFactory grains) => grains.GetGrain<IWorkspaceRegistryGrain>(WorkspaceRegistryGrain.Key);
}
