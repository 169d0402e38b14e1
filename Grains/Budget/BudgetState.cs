namespace Platform.Grains.Budget;

/// <summary>
/// What a budget grain persists: the cap, this period's running totals and the budget lease. The ledger (journal
/// <c>ledger/{workspace}</c>) is the durable record of spend; these totals are a checkpoint of it up to
/// <see cref="LastLedgerSequence"/>, and an activation replays whatever the ledger holds beyond that. Reservations and
/// settles not yet in the ledger live in memory; <see cref="LeaseMicros"/> is the durable bound on them.
/// </summary>
public sealed class BudgetState
{
    public long CapMicros { get; set; }

    /// <summary>The period the totals belong to (<c>yyyy-MM</c>); empty before the first call.</summary>
    public string Period { get; set; } = "";

    /// <summary>Settled spend in <see cref="Period"/> that the ledger holds up to <see cref="LastLedgerSequence"/>.</summary>
    public long SpentMicros { get; set; }

    /// <summary>The last ledger sequence included in the totals.</summary>
    public long LastLedgerSequence { get; set; }

    /// <summary>The last ledger sequence of earlier periods, so reading this period's ledger skips them.</summary>
    public long PeriodStartsAfterSequence { get; set; }

    /// <summary>
    /// The budget lease: an upper bound, written before it is used, of what the activation may have reserved or settled
    /// beyond the ledger entries up to <see cref="LeaseBaseSequence"/>. Ledger entries after that sequence use it up.
    /// 0 when no activation holds one; an activation that finds it above 0 withholds what the ledger does not explain.
    /// </summary>
    public long LeaseMicros { get; set; }

    /// <summary>The ledger sequence <see cref="LeaseMicros"/> was measured from.</summary>
    public long LeaseBaseSequence { get; set; }

    /// <summary>
    /// Budget withheld in <see cref="Period"/> because an earlier activation's lease was not closed: spend that may have
    /// happened without reaching the ledger. It only grows within a period and resets with the next one.
    /// </summary>
    public long WithheldMicros { get; set; }

    /// <summary>Thresholds (50, 75, 90, 100) crossed in <see cref="Period"/>; each is announced once.</summary>
    public SortedSet<int> ThresholdsCrossed { get; set; } = [];

    /// <summary>Crossings recorded but not yet audited; announced on the next call or activation, so none is lost.</summary>
    public List<PendingAnnouncement> Unannounced { get; set; } = [];

    /// <summary>Audited crossings whose events the bus has not confirmed yet.</summary>
    public List<Events.OutboxEntry> Outbox { get; set; } = [];

    /// <summary>Settled spend per run, for runs that spent in this period or the one before (bounded by period).</summary>
    public Dictionary<string, RunSpend> Runs { get; set; } = new(StringComparer.Ordinal);
}
