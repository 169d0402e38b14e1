namespace Platform.Grains.Interfaces.Events;

/// <summary>A workspace's spend crossed 50, 75 or 90 % of its cap (once per threshold and period).</summary>
/// <param name="WorkspaceId">The workspace.</param>
/// <param name="Period">The budget period, <c>yyyy-MM</c> (UTC).</param>
/// <param name="ThresholdPercent">50, 75 or 90.</param>
/// <param name="SpentMicros">Settled plus reserved spend when it was crossed, in micro-dollars.</param>
/// <param name="CapMicros">The cap, in micro-dollars.</param>
/// <param name="At">When it was crossed.</param>
[GenerateSerializer, Immutable, Alias("platform.BudgetThresholdCrossed")]
public sealed record BudgetThresholdCrossed(
    string WorkspaceId,
    string Period,
    int ThresholdPercent,
    long SpentMicros,
    long CapMicros,
    DateTimeOffset At);
