using System.Collections.Immutable;
using Platform.Grains.Interfaces.Workspaces;

namespace Platform.Gateway.Apis;

/// <summary>A member's display name and roles.</summary>
/// <param name="DisplayName">How the member is shown.</param>
/// <param name="Roles">At least one role.</param>
internal sealed record PutMemberRequest(string DisplayName, ImmutableSortedSet<WorkspaceRole> Roles);
