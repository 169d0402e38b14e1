using System.Collections.Immutable;
using Platform.Grains.Interfaces.Workspaces;

namespace Platform.Grains.Interfaces.Approvals;

/// <summary>The authenticated human deciding: taken from their API key by the gateway, never from anything a model wrote.</summary>
/// <param name="UserId">The member deciding.</param>
/// <param name="Roles">Their roles now; only <see cref="WorkspaceRole.Approver"/> may decide.</param>
public sealed record ApprovalDecider(string UserId, ImmutableSortedSet<WorkspaceRole> Roles);
