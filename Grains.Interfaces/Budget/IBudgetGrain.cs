using Platform.Grains.Interfaces.Audit;

namespace Platform.Grains.Interfaces.Budget;

/// <summary>
/// A workspace's monthly spend cap (key: workspace id). Every model call reserves its worst-case cost here before it
/// runs and settles the actual cost after; the grain's turn serializes them, so no interleaving can pass the cap.
/// Amounts are integer micro-dollars (1 USD = 1,000,000). The period is the calendar month in UTC.
/// Warnings fire once each at 50, 75 and 90 % of the cap per period; at 100 % every new reservation is refused with
/// "out of budget: raise the cap to continue" until the cap is raised or the period ends.
/// </summary>
[Alias("platform.IBudgetGrain")]
public interface IBudgetGrain : IGrainWithStringKey
{
    /// <summary>Cap, spent, reserved, remaining and thresholds crossed in the current period.</summary>
    Task<BudgetStatus> GetStatusAsync();

    /// <summary>Sets the monthly cap; raising it lifts a hard stop at once.</summary>
    Task<BudgetStatus> SetCapAsync(long monthlyCapMicros, string actor);

    /// <summary>Reserves <see cref="ReservationRequest.AmountMicros"/>, or refuses if spent + reserved + withheld + amount would pass a cap.</summary>
    Task<ReservationResult> ReserveAsync(ReservationRequest request);

    /// <summary>Records the actual cost of a reservation durably (the ledger) and releases the rest.</summary>
    Task<BudgetStatus> SettleAsync(string reservationId, long actualMicros);

    /// <summary>
    /// Settles like <see cref="SettleAsync"/> in memory at once (the cap counts it from now on) but writes the ledger in
    /// the next batch instead of before returning: for the model proxy, which must not pay a storage round trip per call.
    /// The budget's durable lease covers the cost until its batch is written, so a crash in between withholds budget
    /// rather than losing spend. <paramref name="audit"/>, when given, is appended (deferred too) to the workspace's
    /// audit log whatever the settle's outcome: the model proxy settles and audits each call with this one call.
    /// </summary>
    Task SettleDeferredAsync(string reservationId, long actualMicros, AuditRecord? audit = null);

    /// <summary>Releases a reservation without spending (the call failed before it cost anything).</summary>
    Task<BudgetStatus> ReleaseAsync(string reservationId);

    /// <summary>Settled spend of the current period, oldest first; a deferred settle appears once its batch is written.</summary>
    Task<LedgerPage> GetLedgerAsync(long afterSequence, int limit);

    /// <summary>This period's spend grouped by day, API key or model, as of this call.</summary>
    Task<BudgetUsage> GetUsageAsync(UsageGrouping groupBy);
}
