using System.Collections.Immutable;

namespace Platform.Grains.Interfaces.Budget;

/// <summary>A budget's state in its current period.</summary>
/// <param name="Period">The period, <c>yyyy-MM</c> (UTC).</param>
/// <param name="CapMicros">The monthly cap; 0 means nothing may be spent.</param>
/// <param name="SpentMicros">Settled spend this period, including deferred settles whose ledger entry is not written yet.</param>
/// <param name="ReservedMicros">Reserved and not yet settled.</param>
/// <param name="RemainingMicros">Cap − spent − reserved − withheld, never below 0.</param>
/// <param name="ThresholdsCrossed">Which of 50, 75, 90 and 100 % this period has crossed.</param>
/// <param name="WithheldMicros">
/// Budget withheld this period because an earlier activation of the budget ended without closing its lease (a crash, or
/// a second activation elsewhere): what it may have spent without the ledger showing it. Unavailable until the period
/// ends, so a crash can cost budget but never lets spend pass the cap.
/// </param>
[GenerateSerializer, Immutable, Alias("platform.BudgetStatus")]
public sealed record BudgetStatus(
    string Period,
    long CapMicros,
    long SpentMicros,
    long ReservedMicros,
    long RemainingMicros,
    ImmutableSortedSet<int> ThresholdsCrossed,
    long WithheldMicros);
