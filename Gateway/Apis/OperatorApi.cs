using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Gateway.Security;
using Platform.Grains.Interfaces.Workspaces;
using Platform.Grains.Workspaces;
using Platform.Silo;

namespace Platform.Gateway.Apis;

/// <summary>What the operator may do: create workspaces. No operator route returns workspace content.</summary>
internal static class OperatorApi
{
    public static IEndpointRouteBuilder MapOperatorApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/workspaces").RequireAuthorization(PlatformPolicies.Operator).WithTags("Operator");
        api.MapPost("/", CreateWorkspaceAsync).WithName("CreateWorkspace");
        return routes;
    }

    public static async Task<Created<CreateWorkspaceResponse>> CreateWorkspaceAsync(CreateWorkspaceRequest request, IGrainFactory grains)
    {
        ArgumentNullException.ThrowIfNull(request);
        var workspaceId = WorkspaceIds.NewWorkspaceId();
        var created = await grains.GetGrain<IWorkspaceGrain>(workspaceId).CreateAsync(request.Name, request.OwnerUserId, request.OwnerDisplayName);
        return TypedResults.Created("/api/workspace", new CreateWorkspaceResponse(created.WorkspaceId, created.OwnerKey.Token));
    }
}
