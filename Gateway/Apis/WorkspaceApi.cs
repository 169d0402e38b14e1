using System.Collections.Immutable;
using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Gateway.Security;
using Platform.Grains.Interfaces.Workspaces;

namespace Platform.Gateway.Apis;

/// <summary>The caller's own workspace, its members and its keys. Routes never take a workspace id: it comes from the key.</summary>
internal static class WorkspaceApi
{
    public static IEndpointRouteBuilder MapWorkspaceApi(this IEndpointRouteBuilder routes)
    {
        var admin = PlatformPolicies.Scope(ApiKeyScope.Admin);
        var workspace = routes.MapGroup("/api/workspace").WithTags("Workspace");
        workspace.MapGet("/", GetWorkspaceAsync).RequireAuthorization(PlatformPolicies.Scope(ApiKeyScope.Member)).WithName("GetWorkspace");
        workspace.MapPatch("/", UpdateWorkspaceAsync).RequireAuthorization(admin).WithName("UpdateWorkspace");
        workspace.MapDelete("/", DeleteWorkspaceAsync).RequireAuthorization(admin).WithName("DeleteWorkspace");

        var members = routes.MapGroup("/api/members").RequireAuthorization(admin).WithTags("Members");
        members.MapGet("/", ListMembersAsync).WithName("ListMembers");
        members.MapPut("/{userId}", PutMemberAsync).WithName("PutMember");
        members.MapDelete("/{userId}", RemoveMemberAsync).WithName("RemoveMember");

        var keys = routes.MapGroup("/api/keys").RequireAuthorization(admin).WithTags("Keys");
        keys.MapGet("/", ListKeysAsync).WithName("ListKeys");
        keys.MapPost("/", CreateKeyAsync).WithName("CreateKey");
        keys.MapGet("/{keyId}", GetKeyAsync).WithName("GetKey");
        keys.MapDelete("/{keyId}", RevokeKeyAsync).WithName("RevokeKey");
        return routes;
    }

    public static async Task<Ok<WorkspaceView>> GetWorkspaceAsync(CallerWorkspace caller) =>
        TypedResults.Ok(await caller.Workspace.GetAsync());

    public static async Task<Ok<WorkspaceView>> UpdateWorkspaceAsync(WorkspacePatch patch, CallerWorkspace caller) =>
        TypedResults.Ok(await caller.Workspace.UpdateAsync(patch, caller.Actor));

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteWorkspaceAsync(CallerWorkspace caller)
    {
        if (!caller.HasRole(WorkspaceRole.Owner))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: "Only an owner may delete the workspace.");
        }

        await caller.Workspace.DeleteAsync(caller.Actor);
        return TypedResults.NoContent();
    }

    public static async Task<Ok<ImmutableArray<WorkspaceMember>>> ListMembersAsync(CallerWorkspace caller) =>
        TypedResults.Ok((await caller.Workspace.GetAsync()).Members);

    public static async Task<Ok<WorkspaceMember>> PutMemberAsync(string userId, PutMemberRequest request, CallerWorkspace caller)
    {
        ArgumentNullException.ThrowIfNull(request);
        return TypedResults.Ok(await caller.Workspace.PutMemberAsync(userId, request.DisplayName, request.Roles ?? [], caller.Actor));
    }

    public static async Task<NoContent> RemoveMemberAsync(string userId, CallerWorkspace caller)
    {
        await caller.Workspace.RemoveMemberAsync(userId, caller.Actor);
        return TypedResults.NoContent();
    }

    public static async Task<Ok<ImmutableArray<ApiKeyView>>> ListKeysAsync(CallerWorkspace caller) =>
        TypedResults.Ok(await caller.Workspace.ListKeysAsync());

    public static async Task<Created<CreatedApiKey>> CreateKeyAsync(CreateApiKey request, CallerWorkspace caller)
    {
        var created = await caller.Workspace.CreateKeyAsync(request, caller.Actor);
        return TypedResults.Created($"/api/keys/{created.Key.KeyId}", created);
    }

    /// <summary>One key (where a new key's Location points); never its secret.</summary>
    public static async Task<Ok<ApiKeyView>> GetKeyAsync(string keyId, CallerWorkspace caller) =>
        TypedResults.Ok((await caller.Workspace.ListKeysAsync()).FirstOrDefault(k => k.KeyId == keyId) ?? throw new WorkspaceNotFoundException($"No key '{keyId}'."));

    public static async Task<Ok<ApiKeyView>> RevokeKeyAsync(string keyId, CallerWorkspace caller) =>
        TypedResults.Ok(await caller.Workspace.RevokeKeyAsync(keyId, caller.Actor));
}
