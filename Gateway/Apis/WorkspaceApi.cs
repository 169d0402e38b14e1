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

    public static async Task<NoContent> DeleteWorkspaceAsync(CallerWorkspace caller)
    {
        await caller.Workspace.DeleteAsync(caller.Member);
        return TypedResults.NoContent();
    }

    public static async Task<Ok<ImmutableArray<WorkspaceMember>>> ListMembersAsync(CallerWorkspace caller) =>
        TypedResults.Ok((await caller.Workspace.GetAsync()).Members);

    public static async Task<Ok<WorkspaceMember>> PutMemberAsync(string userId, PutMemberRequest request, CallerWorkspace caller)
    {
        ArgumentNullException.ThrowIfNull(request);
        return TypedResults.Ok(await caller.Workspace.PutMemberAsync(userId, request.DisplayName, request.Roles ?? [], caller.Member));
    }

    public static async Task<NoContent> RemoveMemberAsync(string userId, CallerWorkspace caller)
    {
        await caller.Workspace.RemoveMemberAsync(userId, caller.Member);
        return TypedResults.NoContent();
    }

    public static async Task<Ok<ImmutableArray<ApiKeyView>>> ListKeysAsync(CallerWorkspace caller) =>
        TypedResults.Ok(await caller.Workspace.ListKeysAsync());

    /// <summary>A key for the caller (a <c>userId</c> other than the caller's own is refused: see invitations).</summary>
    public static async Task<Created<CreatedApiKey>> CreateKeyAsync(CreateKeyRequest request, CallerWorkspace caller)
    {
        ArgumentNullException.ThrowIfNull(request);
        var created = await caller.Workspace.CreateKeyAsync(new CreateApiKey(request.Name, request.UserId ?? caller.UserId, request.Scopes, request.ExpiresAt), caller.Member);
        return TypedResults.Created($"/api/keys/{created.Key.KeyId}", created);
    }

    /// <summary>One key (where a new key's Location points); never its secret.</summary>
    public static async Task<Ok<ApiKeyView>> GetKeyAsync(string keyId, CallerWorkspace caller) =>
        TypedResults.Ok((await caller.Workspace.ListKeysAsync()).FirstOrDefault(k => k.KeyId == keyId) ?? throw new WorkspaceNotFoundException($"No key '{keyId}'."));

    public static async Task<Ok<ApiKeyView>> RevokeKeyAsync(string keyId, CallerWorkspace caller) =>
        TypedResults.Ok(await caller.Workspace.RevokeKeyAsync(keyId, caller.Member));
}
