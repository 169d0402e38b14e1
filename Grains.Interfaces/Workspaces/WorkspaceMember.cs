using System.Collections.Immutable;

namespace Platform.Grains.Interfaces.Workspaces;

/// <summary>A person in a workspace.</summary>
/// <param name="UserId">A stable id chosen by the workspace (an email, an SSO subject).</param>
/// <param name="DisplayName">How the member is shown.</param>
/// <param name="Roles">The member's roles.</param>
/// <param name="AddedAt">When the member was added.</param>
[GenerateSerializer, Immutable, Alias("platform.WorkspaceMember")]
public sealed record WorkspaceMember(string UserId, string DisplayName, ImmutableSortedSet<WorkspaceRole> Roles, DateTimeOffset AddedAt);
