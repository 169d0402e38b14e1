using System.Collections.Immutable;
using Platform.Grains.Interfaces.Workspaces;

namespace Platform.Grains.Interfaces.Approvals;

/// <summary>
/// The authenticated human deciding: taken from their API key by the gateway, never from anything a model wrote. A key
/// acts only as the person who holds it (keys are made for oneself or through an invitation), so the user id is the
/// human four eyes compares.
/// </summary>
/// <param name="UserId">The member deciding.</param>
/// <param name="Roles">Their roles now; only <see cref="WorkspaceRole.Approver"/> may decide.</param>
/// <param name="KeyId">The key the decision was made with, recorded with it; <see langword="null"/> only outside HTTP.</param>
[GenerateSerializer, Immutable, Alias("platform.ApprovalDecider")]
public sealed record ApprovalDecider(string UserId, ImmutableSortedSet<WorkspaceRole> Roles, string? KeyId = null);
