using System.Collections.Immutable;

namespace Platform.Grains.Interfaces.Workspaces;

/// <summary>An invitation to join the workspace: who, with which roles, and the scopes of the first key they get.</summary>
/// <param name="UserId">The invitee's user id (not a member yet).</param>
/// <param name="DisplayName">How the invitee will be shown.</param>
/// <param name="Roles">The roles they get on redemption (granting rules as for members: only an owner invites an owner).</param>
/// <param name="Scopes">The scopes of the key redemption answers; they must fit <paramref name="Roles"/>.</param>
[GenerateSerializer, Immutable, Alias("platform.CreateInvitation")]
public sealed record CreateInvitation(string UserId, string DisplayName, ImmutableSortedSet<WorkspaceRole> Roles, ImmutableSortedSet<ApiKeyScope> Scopes);
