using System.Collections.Immutable;

namespace Platform.Grains.Interfaces.Runs;

/// <summary>A run as its workspace's members see it.</summary>
/// <param name="RunId">The run's id.</param>
/// <param name="Status">Where it stands.</param>
/// <param name="Input">What the member asked.</param>
/// <param name="Answer">The final answer, once completed.</param>
/// <param name="Error">Why it stopped, when failed.</param>
/// <param name="EstimateMicros">The estimated cost shown before it ran (one model call at worst case).</param>
/// <param name="MaxCostMicros">The run's own cap, if set.</param>
/// <param name="SpentMicros">Settled spend so far.</param>
/// <param name="PendingApprovalId">The approval it waits for, when waiting.</param>
/// <param name="Steps">How many model calls and tool calls it made.</param>
/// <param name="CreatedAt">When it started.</param>
/// <param name="FinishedAt">When it ended.</param>
/// <param name="Events">Its events so far.</param>
[GenerateSerializer, Immutable, Alias("platform.RunView")]
public sealed record RunView(
    string RunId,
    RunStatus Status,
    string Input,
    string? Answer,
    string? Error,
    long EstimateMicros,
    long? MaxCostMicros,
    long SpentMicros,
    string? PendingApprovalId,
    int Steps,
    DateTimeOffset CreatedAt,
    DateTimeOffset? FinishedAt,
    ImmutableArray<RunEvent> Events);
