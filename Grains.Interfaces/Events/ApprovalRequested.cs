using Platform.Grains.Interfaces.Workspaces;

namespace Platform.Grains.Interfaces.Events;

/// <summary>
/// A run waits for a human approval. Carries ids and the payload hash, never the arguments: events leave the workspace's
/// grain for a bus other processes read, so anything that might hold a secret stays behind.
/// </summary>
/// <param name="WorkspaceId">The workspace.</param>
/// <param name="ApprovalId">The pending approval.</param>
/// <param name="RunId">The run that asked.</param>
/// <param name="Tool">The tool name.</param>
/// <param name="ToolClass">How far the tool reaches.</param>
/// <param name="PayloadHash">The hash the approval is bound to.</param>
/// <param name="RequesterUserId">Who started the run.</param>
/// <param name="RequestedAt">When it was requested.</param>
/// <param name="ExpiresAt">When it counts as denied if nobody decides.</param>
[GenerateSerializer, Immutable, Alias("platform.ApprovalRequested")]
public sealed record ApprovalRequested(
    string WorkspaceId,
    string ApprovalId,
    string RunId,
    string Tool,
    ToolClass ToolClass,
    string PayloadHash,
    string RequesterUserId,
    DateTimeOffset RequestedAt,
    DateTimeOffset ExpiresAt);
