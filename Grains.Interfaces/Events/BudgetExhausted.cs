namespace Platform.Grains.Interfaces.Events;

/// <summary>A workspace hit 100 % of its cap: new model calls are refused until the cap is raised or the period ends.</summary>
/// <param name="WorkspaceId">The workspace.</param>
/// <param name="Period">The budget period, <c>yyyy-MM</c> (UTC).</param>
/// <param name="SpentMicros">Settled plus reserved spend, in micro-dollars.</param>
/// <param name="CapMicros">The cap, in micro-dollars.</param>
/// <param name="At">When it was exhausted.</param>
[GenerateSerializer, Immutable, Alias("platform.BudgetExhausted")]
public sealed record BudgetExhausted(
    string WorkspaceId,
    string Period,
    long SpentMicros,
    long CapMicros,
    DateTimeOffset At);
