using System.Collections.Immutable;
using Platform.Grains.Interfaces.Workspaces;

namespace Platform.Grains.Interfaces.Approvals;

/// <summary>An approval as shown to approvers and runs.</summary>
/// <param name="ApprovalId">Its id.</param>
/// <param name="RunId">The run that asked.</param>
/// <param name="Tool">The tool.</param>
/// <param name="ToolClass">How far it reaches.</param>
/// <param name="CanonicalArguments">The exact arguments the decision applies to.</param>
/// <param name="RequesterUserId">Who started the run.</param>
/// <param name="Reason">Why.</param>
/// <param name="Affects">What it touches.</param>
/// <param name="PayloadHash">SHA-256 of (workspace, run, tool, canonical arguments, policy version); only this payload may run.</param>
/// <param name="PolicyVersion">The policy version it was requested under.</param>
/// <param name="State">Where it stands.</param>
/// <param name="RequestedAt">When it was requested.</param>
/// <param name="ExpiresAt">When it counts as denied if still pending.</param>
/// <param name="DecidedBy">Who decided (user id), once decided.</param>
/// <param name="DecidedAt">When, once decided.</param>
/// <param name="Comment">The decider's comment; for a withdrawn approval, why it was withdrawn.</param>
/// <param name="DecidedByKeyId">The key the decider used, once decided by a human.</param>
[GenerateSerializer, Immutable, Alias("platform.ApprovalView")]
public sealed record ApprovalView(
    string ApprovalId,
    string RunId,
    string Tool,
    ToolClass ToolClass,
    string CanonicalArguments,
    string RequesterUserId,
    string Reason,
    ImmutableArray<string> Affects,
    string PayloadHash,
    int PolicyVersion,
    ApprovalState State,
    DateTimeOffset RequestedAt,
    DateTimeOffset ExpiresAt,
    string? DecidedBy,
    DateTimeOffset? DecidedAt,
    string? Comment,
    string? DecidedByKeyId = null);
