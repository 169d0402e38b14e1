namespace Platform.Grains.Interfaces.Workspaces;

/// <summary>What redeeming an invitation answers: the new member and their first key, shown only to the invitee.</summary>
/// <param name="WorkspaceId">The workspace joined.</param>
/// <param name="Member">The member as added.</param>
/// <param name="Key">The invitee's key and its token (shown once).</param>
[GenerateSerializer, Immutable, Alias("platform.RedeemedInvitation")]
public sealed record RedeemedInvitation(string WorkspaceId, WorkspaceMember Member, CreatedApiKey Key);
