namespace Platform.Grains.Budget;

/// <summary>
/// What a budget grain persists: the cap and this period's running totals. The ledger (journal <c>ledger/{workspace}</c>)
/// is the durable record of spend; these totals are a checkpoint of it up to <see cref="LastLedgerSequence"/>, and an
/// activation replays whatever the ledger holds beyond that. Reservations are not here: they live in memory only.
/// </summary>
public sealed class BudgetState
{
    public long CapMicros { get; set; }

    /// <summary>The period the totals belong to (<c>yyyy-MM</c>); empty before the first call.</summary>
    public string Period { get; set; } = "";

    /// <summary>Settled spend in <see cref="Period"/>.</summary>
    public long SpentMicros { get; set; }

    /// <summary>The last ledger sequence included in the totals.</summary>
    public long LastLedgerSequence { get; set; }

    /// <summary>The last ledger sequence of earlier periods, so reading this period's ledger skips them.</summary>
    public long PeriodStartsAfterSequence { get; set; }

    /// <summary>Thresholds (50, 75, 90, 100) crossed in <see cref="Period"/>; each is announced once.</summary>
    public SortedSet<int> ThresholdsCrossed { get; set; } = [];

    /// <summary>Crossings recorded but not yet audited; announced on the next call or activation, so none is lost.</summary>
    public List<PendingAnnouncement> Unannounced { get; set; } = [];

    /// <summary>Settled spend per run, for runs that spent in this period or the one before (bounded by period).</summary>
    public Dictionary<string, RunSpend> Runs { get; set; } = new(StringComparer.Ordinal);
}
