namespace Platform.Grains.Interfaces.Events;

/// <summary>An agent run ended. Its receipt stays in the workspace; the event carries only ids, outcome, times and cost.</summary>
/// <param name="WorkspaceId">The workspace.</param>
/// <param name="RunId">The run.</param>
/// <param name="Outcome">How it ended, e.g. <c>completed</c>, <c>failed</c>, <c>cancelled</c>, <c>out_of_budget</c>.</param>
/// <param name="CostMicros">What it cost, in micro-dollars.</param>
/// <param name="StartedAt">When it started.</param>
/// <param name="FinishedAt">When it ended.</param>
[GenerateSerializer, Immutable, Alias("platform.RunFinished")]
public sealed record RunFinished(
    string WorkspaceId,
    string RunId,
    string Outcome,
    long CostMicros,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt);
