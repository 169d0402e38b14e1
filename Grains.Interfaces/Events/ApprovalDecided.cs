using Platform.Grains.Interfaces.Approvals;

namespace Platform.Grains.Interfaces.Events;

/// <summary>An approval was approved, denied or expired (exactly once per approval). No arguments, for the same reason as <see cref="ApprovalRequested"/>.</summary>
/// <param name="WorkspaceId">The workspace.</param>
/// <param name="ApprovalId">The approval.</param>
/// <param name="RunId">The run waiting for it.</param>
/// <param name="Tool">The tool name.</param>
/// <param name="PayloadHash">The hash the decision applies to.</param>
/// <param name="State">Approved, Denied or Expired.</param>
/// <param name="DecidedBy">The deciding member, or null when it expired.</param>
/// <param name="DecidedAt">When it was decided or expired.</param>
[GenerateSerializer, Immutable, Alias("platform.ApprovalDecided")]
public sealed record ApprovalDecided(
    string WorkspaceId,
    string ApprovalId,
    string RunId,
    string Tool,
    string PayloadHash,
    ApprovalState State,
    string? DecidedBy,
    DateTimeOffset DecidedAt);
