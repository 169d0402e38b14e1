namespace Platform.Grains.Interfaces.Runs;

/// <summary>One step of a run as its members watch it (server-sent events replay these).</summary>
/// <param name="Sequence">1, 2, 3, … within the run.</param>
/// <param name="At">When it happened.</param>
/// <param name="Kind"><c>run.started</c>, <c>model.call</c>, <c>tool.call</c>, <c>tool.refused</c>, <c>approval.requested</c>,
/// <c>approval.decided</c>, <c>tool.outcome_unknown</c>, <c>run.completed</c>, <c>run.failed</c>, <c>run.cancelled</c>.</param>
/// <param name="Summary">One line for people.</param>
/// <param name="CostMicros">What the step cost, for model calls.</param>
/// <param name="ApprovalId">The approval it concerns, if any.</param>
[GenerateSerializer, Immutable, Alias("platform.RunEvent")]
public sealed record RunEvent(long Sequence, DateTimeOffset At, string Kind, string Summary, long CostMicros = 0, string? ApprovalId = null);
