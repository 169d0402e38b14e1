using System.Collections.Immutable;

namespace Platform.Grains.Interfaces.Workspaces;

/// <summary>
/// A customer workspace (key: workspace id): its name, members, policy, model settings and API keys. Every change is
/// audited in the workspace's own log. Nothing here can name or reach another workspace.
/// </summary>
public interface IWorkspaceGrain : IGrainWithStringKey
{
    /// <summary>Creates the workspace with its owner and the owner's first admin key. Fails if it exists.</summary>
    Task<WorkspaceCreated> CreateAsync(string name, string ownerUserId, string ownerDisplayName);

    /// <summary>The workspace; <see cref="WorkspaceNotFoundException"/> if it does not exist or was deleted.</summary>
    Task<WorkspaceView> GetAsync();

    /// <summary>What the OpenAI-compatible endpoint needs on every call: the model settings and the audit-content switch.</summary>
    [AlwaysInterleave]
    Task<ProxySettings> GetProxySettingsAsync();

    /// <summary>The operator's catalogue entries this workspace may use, ordered by id (what <c>/v1/models</c> lists).</summary>
    [AlwaysInterleave]
    Task<ImmutableArray<Models.CatalogEntry>> GetModelsAsync();

    /// <summary>Applies a partial update as <paramref name="actor"/>; policy changes bump the policy version.</summary>
    Task<WorkspaceView> UpdateAsync(WorkspacePatch patch, string actor);

    /// <summary>Adds a member, or replaces their display name and roles.</summary>
    Task<WorkspaceMember> PutMemberAsync(string userId, string displayName, ImmutableSortedSet<WorkspaceRole> roles, string actor);

    /// <summary>Removes a member and revokes their keys; the last owner cannot be removed.</summary>
    Task RemoveMemberAsync(string userId, string actor);

    /// <summary>Creates an API key; its token is returned once and only its salted hash is kept.</summary>
    Task<CreatedApiKey> CreateKeyAsync(CreateApiKey request, string actor);

    /// <summary>Every key, revoked ones included; never a secret.</summary>
    Task<ImmutableArray<ApiKeyView>> ListKeysAsync();

    /// <summary>Revokes a key at once.</summary>
    Task<ApiKeyView> RevokeKeyAsync(string keyId, string actor);

    /// <summary>Checks a key's secret (constant time) and answers who it speaks for.</summary>
    [AlwaysInterleave]
    Task<AuthenticationResult> AuthenticateAsync(string keyId, string secret);

    /// <summary>Deletes the workspace: every key stops working and its data key is destroyed.</summary>
    Task DeleteAsync(string actor);
}
