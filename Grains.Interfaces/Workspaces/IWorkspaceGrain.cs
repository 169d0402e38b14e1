using System.Collections.Immutable;

namespace Platform.Grains.Interfaces.Workspaces;

/// <summary>
/// A customer workspace (key: workspace id): its name, members, policy, model settings and API keys. Every change is
/// audited in the workspace's own log. Nothing here can name or reach another workspace.
/// </summary>
[Alias("platform.IWorkspaceGrain")]
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

    /// <summary>
    /// Adds a member, or replaces their display name and roles, as <paramref name="actor"/> (an admin or owner). Only an
    /// owner grants or removes <see cref="WorkspaceRole.Owner"/> or changes an owner at all; nobody changes their own
    /// roles; the last owner keeps the role. <see cref="WorkspaceForbiddenException"/> when the actor may not.
    /// </summary>
    Task<WorkspaceMember> PutMemberAsync(string userId, string displayName, ImmutableSortedSet<WorkspaceRole> roles, ActingMember actor);

    /// <summary>Removes a member and revokes their keys, with the rules of <see cref="PutMemberAsync"/>; the last owner cannot be removed.</summary>
    Task RemoveMemberAsync(string userId, ActingMember actor);

    /// <summary>
    /// Creates an API key for <paramref name="actor"/> only (a key acts as the person who holds it); its token is
    /// returned once and only its salted hash is kept. Others get their first key through an invitation.
    /// </summary>
    Task<CreatedApiKey> CreateKeyAsync(CreateApiKey request, ActingMember actor);

    /// <summary>Every key, revoked ones included; never a secret.</summary>
    Task<ImmutableArray<ApiKeyView>> ListKeysAsync();

    /// <summary>Revokes a key at once; an owner's keys only an owner (or that owner) may revoke.</summary>
    Task<ApiKeyView> RevokeKeyAsync(string keyId, ActingMember actor);

    /// <summary>
    /// Invites someone who is not a member yet, as <paramref name="actor"/> (the role-granting rules of
    /// <see cref="PutMemberAsync"/> apply). Answers a one-time, short-lived code, shown once; nothing usable exists
    /// until it is redeemed.
    /// </summary>
    Task<CreatedInvitation> InviteAsync(CreateInvitation request, ActingMember actor);

    /// <summary>The pending invitations (unused, not withdrawn, not expired); never a code.</summary>
    Task<ImmutableArray<InvitationView>> ListInvitationsAsync();

    /// <summary>One pending invitation; <see cref="WorkspaceNotFoundException"/> if there is none by that id.</summary>
    Task<InvitationView> GetInvitationAsync(string invitationId);

    /// <summary>Withdraws a pending invitation, so its code stops working.</summary>
    Task WithdrawInvitationAsync(string invitationId, ActingMember actor);

    /// <summary>
    /// Redeems an invitation's code once: adds the member with the invited roles and answers their first key, named
    /// <paramref name="keyName"/>. A wrong, used, withdrawn or expired code, or one of another workspace, fails with
    /// one <see cref="WorkspaceNotFoundException"/> that says nothing more.
    /// </summary>
    Task<RedeemedInvitation> RedeemInvitationAsync(string invitationId, string secret, string keyName);

    /// <summary>Checks a key's secret (constant time) and answers who it speaks for.</summary>
    [AlwaysInterleave]
    Task<AuthenticationResult> AuthenticateAsync(string keyId, string secret);

    /// <summary>Deletes the workspace: every key stops working and its data key is destroyed. Only an owner may.</summary>
    Task DeleteAsync(ActingMember actor);
}
