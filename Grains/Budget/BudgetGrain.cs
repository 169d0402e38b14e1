using System.Collections.Immutable;
using System.Globalization;

using Microsoft.Extensions.Logging;

using Platform.Grains.Audit;
using Platform.Grains.Diagnostics;
using Platform.Grains.Events;
using Platform.Grains.Interfaces.Audit;
using Platform.Grains.Interfaces.Budget;
using Platform.Grains.Interfaces.Events;
using Platform.Silo.Journal;

namespace Platform.Grains.Budget;

/// <summary>
/// A workspace's monthly budget (key: workspace id).
/// <para>
/// Reserve works in memory, within a <em>lease</em>: a bound on this activation's open reservations and not yet written
/// settles that is durable in grain state before any reservation it covers is granted. When a reservation does not fit,
/// the lease first grows by one state write (by at least <see cref="LeaseSliceReservations"/> reservations of that size
/// or 1/<see cref="LeaseSliceOfRoom"/> of what the cap leaves, never past the cap); every other reservation costs no
/// storage round trip. The grain's turn serializes reservations, so no interleaving passes a cap.
/// </para>
/// <para>
/// Settled spend is recorded as <see cref="LedgerEntry"/> in the journal stream <c>ledger/{workspace}</c>. Both settles
/// count in memory at once (status, caps, thresholds) and queue their entry; a background flush, a task of this
/// activation that holds no turn and never writes grain state, appends everything queued in one append, one flush at a
/// time. <see cref="SettleAsync"/> returns once the batch holding its entry is durable; <see cref="SettleDeferredAsync"/>
/// returns without waiting, and until its batch is written the lease is what covers it. The totals in grain state are a
/// checkpoint of the ledger, written every <see cref="CheckpointEvery"/> entries, when the lease grows, on every cap or
/// threshold change and on deactivation; an activation replays the ledger beyond the checkpoint.
/// </para>
/// <para>
/// What a crash costs: an activation that finds a lease still open (its predecessor crashed, or still runs on another
/// machine) cannot know what was spent under it, so it withholds for the rest of the period whatever of the lease the
/// ledger does not explain, and audits <c>budget.lease_withheld</c>. Budget becomes unavailable, spend never passes the
/// cap; that also makes two activations of one workspace safe, since the old one cannot grow a lease the new one has
/// replaced. Two gaps remain: the excess of a deferred settle over its reservation is covered only once its batch is
/// written (milliseconds), and a failed ledger write deactivates the activation with its lease open, so its successor
/// withholds. A clean deactivation writes the queue and closes the lease, so it withholds nothing; reservations still
/// open then are dropped, as they always were: settling one later is refused and its cost is not counted.
/// </para>
/// <para>
/// What thresholds measure: 50, 75 and 90 % compare <em>settled</em> spend (written or not) with the cap, because
/// reservations are worst-case estimates that mostly come back and warnings about them would cry wolf. 100 %
/// ("exhausted") is reached when spent + reserved + withheld reaches the cap, the moment every new reservation is
/// refused. Each is recorded once per period in state (so it is announced once even across restarts) and then audited
/// as <c>budget.threshold</c> and published through the grain's <see cref="EventOutbox"/>. Raising the cap lifts the stop at once
/// but does not re-arm crossed thresholds.
/// </para>
/// <para>
/// A reservation neither settled nor released within <see cref="BudgetRules.ReservationLifetime"/> is released on the
/// next call, so a crashed caller cannot hold budget forever; settling it afterwards still records the cost, because
/// the money was spent.
/// </para>
/// </summary>
// Pinned: stored rows and reminders are keyed by the grain type name, so a class rename must not change it.
[GrainType("budget")]
public sealed class BudgetGrain(
    [PersistentState("budget")] IPersistentState<BudgetState> budget,
    IJournalStorage journal,
    IPlatformEvents events,
    TimeProvider time,
    PlatformMetrics metrics,
    ILogger<BudgetGrain> logger) : StringKeyedGrain, IBudgetGrain, IEventOutboxGrain, IRemindable
{
    /// <summary>The most entries one <see cref="GetLedgerAsync"/> returns.</summary>
    public const int MaxLedgerLimit = 1000;

    /// <summary>How many ledger entries may be written between checkpoints, bounding what an activation replays (about one page).</summary>
    public const int CheckpointEvery = 1000;

    /// <summary>A lease grows by at least this many reservations of the size that made it grow.</summary>
    public const int LeaseSliceReservations = 32;

    /// <summary>A lease grows by at least this fraction (1/n) of what the cap leaves, so growth writes shrink geometrically.</summary>
    public const int LeaseSliceOfRoom = 64;

    private const int JournalPageSize = 1000;

    private readonly ReservationBook _reservations = new();
    private readonly PendingLedger _pending = new();
    private Task _flush = Task.CompletedTask;
    private readonly FlushWindow _window = new(FlushWindow.Default);
    private Exception? _flushFailure;

    // Ledger entries written since the lease was last written use it up: the lease bounds spend beyond its base sequence.
    private long _writtenSinceLeaseBase;
    private int _uncheckpointed;
    private bool _dirty;

    private EventOutbox? _outbox;
    private LedgerAppender? _appender;

    // Built from the ledger on the first usage report of an activation, then kept up to date by every settle.
    private UsageBook? _usage;

    private BudgetState State => budget.State;

    private EventOutbox Outbox => _outbox ??= new EventOutbox(this, PrimaryKey, () => State.Outbox, () => CheckpointAsync(), events, time, logger);

    private string Stream => $"ledger/{PrimaryKey}";

    private LedgerAppender Appender => _appender ??= new LedgerAppender(journal, Stream, PrimaryKey, time, logger);

    /// <summary>Spent this period: what the ledger holds plus settles still on their way to it.</summary>
    private long SpentMicros => State.SpentMicros + _pending.MicrosIn(State.Period);

    /// <summary>What the lease has to cover now: what the ledger took since its base, pending settles, open reservations.</summary>
    private long LeaseUsedMicros => _writtenSinceLeaseBase + _pending.TotalMicros + _reservations.ReservedMicros;

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var writtenSinceLease = await ReplayLedgerAsync(cancellationToken);

        // Crossings of the replayed period first, so a month that turned while nobody called still announces its own.
        var crossed = RecordCrossings();
        RollOver(time.GetUtcNow());
        var withheld = WithholdOpenLease(writtenSinceLease);
        crossed |= RecordCrossings();
        if (crossed || withheld is not null)
        {
            await CheckpointAsync();
        }

        if (withheld is { } w)
        {
            await AuditWithheldAsync(w.LeaseMicros, w.WrittenMicros, w.WithheldMicros);
        }

        await AnnounceAsync();
        Outbox.Resume();
    }

    /// <inheritdoc />
    public Task AcknowledgeEventsAsync(ImmutableArray<Guid> published, bool failed) => Outbox.AcknowledgeAsync(published, failed);

    /// <inheritdoc />
    public Task ReceiveReminder(string reminderName, TickStatus status) =>
        reminderName == EventOutbox.ReminderName ? Outbox.OnReminderAsync() : Task.CompletedTask;

    /// <inheritdoc />
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _window.Hurry();
        StartFlush();
        await _flush;
        if (_flushFailure is not null)
        {
            // Settles this activation acknowledged may be missing from the ledger, and memory may be stale: write nothing.
            // The lease stays open in storage, so the next activation replays the ledger and withholds the rest.
            return;
        }

        // Every settle is in the ledger now, so the lease closes. Reservations still open go with this activation, as they
        // always have: a settle of one after this is refused as unknown, and its call's cost is not counted.
        if (_uncheckpointed == 0 && !_dirty && State.LeaseMicros == 0)
        {
            return;
        }

        try
        {
            await CheckpointAsync(closingLease: true);
        }
        catch (Exception ex) when (ex is InconsistentStateException or StorageUnavailableException)
        {
            // Nothing is lost: the ledger holds every settle, and a lease left open only withholds budget.
            BudgetLog.CheckpointFailed(logger, PrimaryKey, ex);
        }
    }

    /// <inheritdoc />
    public async Task<BudgetStatus> GetStatusAsync()
    {
        await MaintainAsync();
        return Status();
    }

    /// <inheritdoc />
    public async Task<BudgetStatus> SetCapAsync(long monthlyCapMicros, string actor)
    {
        BudgetRules.ValidateCap(monthlyCapMicros);
        var previous = State.CapMicros;
        var record = Audit("budget.cap_changed", actor, $"Monthly cap changed from {previous} to {monthlyCapMicros} micro-dollars", ("previous_cap_micros", Micros(previous)), ("cap_micros", Micros(monthlyCapMicros)));
        AuditRecordRules.Validate(record);
        await MaintainAsync();
        if (previous == monthlyCapMicros)
        {
            return Status();
        }

        State.CapMicros = monthlyCapMicros;
        RecordCrossings();
        await CheckpointAsync();
        await GrainFactory.GetGrain<IAuditLogGrain>(PrimaryKey).AppendAsync(record);
        await AnnounceAsync();
        return Status();
    }

    /// <inheritdoc />
    /// <remarks>
    /// Grants only within the durable lease. When the lease is used up it first grows by one state write, sized so
    /// that growth writes are rare (<see cref="LeaseSliceReservations"/> reservations of this size, or
    /// 1/<see cref="LeaseSliceOfRoom"/> of what the cap leaves, whichever is more); any other reservation touches memory only.
    /// </remarks>
    public async Task<ReservationResult> ReserveAsync(ReservationRequest request)
    {
        BudgetRules.Validate(request);
        await MaintainAsync();
        ThrowIfLedgerFailed();

        var used = SpentMicros + State.WithheldMicros + _reservations.ReservedMicros;
        if (used + request.AmountMicros > State.CapMicros)
        {
            var remaining = Math.Max(0, State.CapMicros - used);
            return remaining == 0 ? Refused(BudgetRules.OutOfBudget, "out_of_budget") : Refused(BudgetRules.TooLarge(request.AmountMicros, remaining), "too_large");
        }

        if (request is { RunId: { } runId, RunCapMicros: { } runCap }
            && RunSpent(runId) + _reservations.ReservedByRun(runId) + request.AmountMicros > runCap)
        {
            return Refused(BudgetRules.RunCapReached(runCap), "run_cap");
        }

        // While this turn awaits a write only the background flush runs, and it moves spend from pending to the ledger
        // without changing either sum checked above, so both checks still hold when the write returns.
        if (LeaseUsedMicros + request.AmountMicros > State.LeaseMicros)
        {
            await ExtendLeaseAsync(request.AmountMicros);
        }
        else if (_uncheckpointed >= CheckpointEvery)
        {
            await CheckpointAsync();
        }

        var reservation = _reservations.Add(request.AmountMicros, request.Purpose, request.RunId, time.GetUtcNow() + BudgetRules.ReservationLifetime, request.KeyId, request.Model);

        // Filling the cap is the one thing a reservation can cross; it writes state once per period at most.
        if (RecordCrossings())
        {
            await CheckpointAsync();
            await AnnounceAsync();
        }

        return new ReservationResult(true, reservation.Id, null, Status());
    }

    /// <inheritdoc />
    /// <remarks>
    /// <paramref name="actualMicros"/> may exceed the reservation (an estimate is not a promise); the excess counts and
    /// may take spend past the cap, which then refuses every new reservation. 0 settles without a ledger entry.
    /// A second settle of one reservation is refused with <see cref="InvalidOperationException"/>. The entry goes into
    /// the same batched ledger write as deferred settles; this call returns once that batch is durable.
    /// </remarks>
    public async Task<BudgetStatus> SettleAsync(string reservationId, long actualMicros)
    {
        BudgetRules.ValidateActual(actualMicros);
        await MaintainAsync();
        if (!SettleInMemory(reservationId, actualMicros))
        {
            return Status();
        }

        var written = _pending.WhenQueuedWritten();
        _window.Hurry();
        StartFlush();

        // A failed write has already asked for deactivation; the next activation replays the ledger.
        await written;
        if (RecordCrossings() || _uncheckpointed >= CheckpointEvery)
        {
            try
            {
                await CheckpointAsync();
            }
            catch (Exception ex) when (ex is InconsistentStateException or StorageUnavailableException)
            {
                // The settle is acknowledged by the ledger; failing it now would invite a retry that cannot succeed. The
                // runtime deactivates this activation and the next one replays the ledger (and re-records the crossing).
                BudgetLog.CheckpointFailed(logger, PrimaryKey, ex);
                return Status();
            }
        }

        await AnnounceAsync();
        return Status();
    }

    /// <inheritdoc />
    /// <remarks>
    /// Validation and refusals are those of <see cref="SettleAsync"/>. The ledger entry is queued for the background
    /// flush; the lease covers it until then. A crossed threshold is checkpointed and announced before returning.
    /// </remarks>
    public async Task SettleDeferredAsync(string reservationId, long actualMicros, AuditRecord? audit = null)
    {
        try
        {
            await SettleDeferredCoreAsync(reservationId, actualMicros);
        }
        finally
        {
            if (audit is not null)
            {
                await AuditDeferredAsync(audit);
            }
        }
    }

    private async Task AuditDeferredAsync(AuditRecord audit)
    {
        try
        {
            await GrainFactory.GetGrain<IAuditLogGrain>(PrimaryKey).AppendDeferredAsync(audit);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The spend is on the books either way; a lost audit line is logged, as the gateway logged it before.
            BudgetLog.CallAuditFailed(logger, PrimaryKey, audit.Kind, ex);
        }
    }

    private async Task SettleDeferredCoreAsync(string reservationId, long actualMicros)
    {
        BudgetRules.ValidateActual(actualMicros);
        await MaintainAsync();
        if (!SettleInMemory(reservationId, actualMicros))
        {
            return;
        }

        StartFlush();
        if (RecordCrossings())
        {
            try
            {
                await CheckpointAsync();
            }
            catch (Exception ex) when (ex is InconsistentStateException or StorageUnavailableException)
            {
                // The settle stands (queued, covered by the lease); the next activation re-records the crossing from the ledger.
                BudgetLog.CheckpointFailed(logger, PrimaryKey, ex);
                return;
            }

            await AnnounceAsync();
        }
    }

    /// <inheritdoc />
    /// <remarks>Releasing twice, or after expiry, is harmless; releasing a settled reservation is refused.</remarks>
    public async Task<BudgetStatus> ReleaseAsync(string reservationId)
    {
        await MaintainAsync();
        if (reservationId is not null && _reservations.TryGetOpen(reservationId, out var open))
        {
            _reservations.Close(open, ReservationOutcome.Released);
            return Status();
        }

        return _reservations.FindClosed(reservationId ?? "") switch
        {
            { Outcome: ReservationOutcome.Settled } => throw new InvalidOperationException($"Reservation '{reservationId}' was settled; a settled reservation cannot be released."),
            not null => Status(),
            null => throw new ArgumentException($"No reservation '{reservationId}'.", nameof(reservationId)),
        };
    }

    /// <inheritdoc />
    /// <remarks>
    /// The first report of an activation reads the period's ledger once (the entries written up to now, plus those
    /// settled but not yet written); from then on every settle adds to it in memory. While the ledger is read only the
    /// background flush runs, and it moves entries from pending to the ledger with sequences past the ones read here,
    /// so none is counted twice or missed.
    /// </remarks>
    public async Task<BudgetUsage> GetUsageAsync(UsageGrouping groupBy)
    {
        if (!Enum.IsDefined(groupBy))
        {
            throw new ArgumentOutOfRangeException(nameof(groupBy), groupBy, "Usage is grouped by day, key or model.");
        }

        await MaintainAsync();
        if (_usage is null || !string.Equals(_usage.Period, State.Period, StringComparison.Ordinal))
        {
            var book = new UsageBook(State.Period);
            var upTo = State.LastLedgerSequence;
            foreach (var pending in _pending.Entries)
            {
                book.Add(pending);
            }

            _usage = book;
            try
            {
                var after = State.PeriodStartsAfterSequence;
                while (after < upTo)
                {
                    var rows = await journal.ReadAsync(Stream, after, JournalPageSize);
                    foreach (var row in rows.Where(r => r.Sequence <= upTo))
                    {
                        book.Add(LedgerEntryCodec.Decode(row.Sequence, row.Payload));
                    }

                    after = rows.Count == 0 ? upTo : rows[^1].Sequence;
                }
            }
            catch
            {
                // Half a book would under-report for the rest of the activation; the next report reads again.
                _usage = null;
                throw;
            }
        }

        return _usage.Report(groupBy);
    }

    /// <inheritdoc />
    public async Task<LedgerPage> GetLedgerAsync(long afterSequence, int limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(afterSequence);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxLedgerLimit);
        await MaintainAsync();

        var entries = ImmutableArray.CreateBuilder<LedgerEntry>(limit);
        var after = Math.Max(afterSequence, State.PeriodStartsAfterSequence);
        while (entries.Count < limit)
        {
            var rows = await journal.ReadAsync(Stream, after, JournalPageSize);
            foreach (var row in rows)
            {
                var entry = LedgerEntryCodec.Decode(row.Sequence, row.Payload);
                if (entry.Period == State.Period)
                {
                    entries.Add(entry);
                    if (entries.Count == limit)
                    {
                        break;
                    }
                }
            }

            if (rows.Count < JournalPageSize)
            {
                break;
            }

            after = rows[^1].Sequence;
        }

        return new LedgerPage(entries.ToImmutable(), State.LastLedgerSequence);
    }

    /// <summary>Settles a reservation in memory and queues its ledger entry; false when there is nothing to write (0).</summary>
    private bool SettleInMemory(string reservationId, long actualMicros)
    {
        ThrowIfLedgerFailed();
        var reservation = TakeForSettle(reservationId);
        if (actualMicros == 0)
        {
            return false;
        }

        var entry = new LedgerEntry(0, time.GetUtcNow(), State.Period, reservation.Id, reservation.Purpose, reservation.RunId, actualMicros, reservation.KeyId, reservation.Model);
        _pending.Add(entry);
        _usage?.Add(entry);
        metrics.Spent(PrimaryKey, reservation.RunId is null ? "proxy" : "run", actualMicros);
        return true;
    }

    /// <summary>
    /// After a failed ledger write this activation is on its way out and its memory may be wrong; only a call admitted
    /// before the failure can get here, and it must neither grow the lease nor queue behind a write that will not happen.
    /// </summary>
    private void ThrowIfLedgerFailed()
    {
        if (_flushFailure is not null)
        {
            throw new StorageUnavailableException("The budget ledger could not be written; this activation of the budget is going.", _flushFailure);
        }
    }

    private OpenReservation TakeForSettle(string reservationId)
    {
        if (reservationId is not null && _reservations.TryGetOpen(reservationId, out var open))
        {
            _reservations.Close(open, ReservationOutcome.Settled);
            return open;
        }

        var closed = _reservations.FindClosed(reservationId ?? "");
        switch (closed?.Outcome)
        {
            case ReservationOutcome.Expired:
                // The call outlived its reservation but its cost is real: record it rather than lose it.
                _reservations.MarkSettled(closed);
                BudgetLog.SettledAfterExpiry(logger, PrimaryKey, closed.Reservation.Id, closed.Reservation.AmountMicros);
                return closed.Reservation;
            case ReservationOutcome.Settled:
                throw new InvalidOperationException($"Reservation '{reservationId}' was settled already; a reservation is settled once.");
            case ReservationOutcome.Released:
                throw new InvalidOperationException($"Reservation '{reservationId}' was released; reserve again for a new call.");
            default:
                throw new ArgumentException($"No reservation '{reservationId}' (reservations do not survive a restart of the budget).", nameof(reservationId));
        }
    }

    /// <summary>What every call does first: start a new period when the month has turned and release stale reservations.</summary>
    private async Task MaintainAsync()
    {
        var now = time.GetUtcNow();
        RollOver(now);
        foreach (var expired in _reservations.ExpireDue(now))
        {
            BudgetLog.ReservationExpired(logger, PrimaryKey, expired.Id, expired.AmountMicros, expired.Purpose);
        }

        if (State.Unannounced.Count > 0)
        {
            await AnnounceAsync();
        }
    }

    private void RollOver(DateTimeOffset now)
    {
        var period = BudgetPeriod.Of(now);
        if (State.Period.Length == 0)
        {
            State.Period = period;
            State.PeriodStartsAfterSequence = State.LastLedgerSequence;
            _dirty = true;
        }
        else if (BudgetPeriod.IsLater(period, State.Period))
        {
            StartPeriod(period, State.LastLedgerSequence);
        }
    }

    private void StartPeriod(string period, long startsAfterSequence)
    {
        // A run that spanned the month boundary keeps its spend; runs idle for a whole period are forgotten.
        foreach (var runId in State.Runs.Where(r => r.Value.LastPeriod != State.Period).Select(r => r.Key).ToArray())
        {
            State.Runs.Remove(runId);
        }

        State.Period = period;
        State.PeriodStartsAfterSequence = startsAfterSequence;
        _usage = null;
        State.SpentMicros = 0;
        State.WithheldMicros = 0;
        State.ThresholdsCrossed.Clear();
        _dirty = true;
    }

    /// <summary>
    /// Applies the ledger beyond the checkpoint. When a lease is open it also reads back from the lease's base and returns
    /// what the ledger took of the lease, per period; otherwise an empty map.
    /// </summary>
    private async Task<Dictionary<string, long>> ReplayLedgerAsync(CancellationToken cancellationToken)
    {
        var checkpointed = State.LastLedgerSequence;
        var leaseOpen = State.LeaseMicros > 0;
        var writtenSinceLease = new Dictionary<string, long>(StringComparer.Ordinal);
        var after = leaseOpen ? Math.Min(State.LeaseBaseSequence, checkpointed) : checkpointed;
        var replayed = 0;
        while (true)
        {
            var rows = await journal.ReadAsync(Stream, after, JournalPageSize, cancellationToken);
            foreach (var row in rows)
            {
                var entry = LedgerEntryCodec.Decode(row.Sequence, row.Payload);
                if (leaseOpen && row.Sequence > State.LeaseBaseSequence)
                {
                    writtenSinceLease[entry.Period] = writtenSinceLease.GetValueOrDefault(entry.Period) + entry.AmountMicros;
                }

                if (row.Sequence <= checkpointed)
                {
                    continue;
                }

                if (State.Period.Length == 0)
                {
                    State.Period = entry.Period;
                    State.PeriodStartsAfterSequence = row.Sequence - 1;
                }
                else if (BudgetPeriod.IsLater(entry.Period, State.Period))
                {
                    StartPeriod(entry.Period, row.Sequence - 1);
                }

                Apply(entry);
                replayed++;
            }

            if (rows.Count < JournalPageSize)
            {
                break;
            }

            after = rows[^1].Sequence;
        }

        if (replayed > 0)
        {
            _uncheckpointed += replayed;
            BudgetLog.LedgerReplayed(logger, PrimaryKey, replayed, State.LastLedgerSequence);
        }

        return writtenSinceLease;
    }

    /// <summary>
    /// A lease still open when an activation starts belonged to one that did not close it: it crashed, or it is still
    /// running elsewhere. Whatever of the lease the ledger does not explain may have been spent, so it is withheld for the
    /// rest of the period. Only this period's entries explain anything: withholding too much costs budget, too little
    /// could pass the cap.
    /// </summary>
    private (long LeaseMicros, long WrittenMicros, long WithheldMicros)? WithholdOpenLease(Dictionary<string, long> writtenSinceLease)
    {
        var lease = State.LeaseMicros;
        if (lease == 0)
        {
            return null;
        }

        var written = writtenSinceLease.GetValueOrDefault(State.Period);
        var withheld = Math.Max(0, lease - written);
        State.WithheldMicros += withheld;
        State.LeaseMicros = 0;
        State.LeaseBaseSequence = State.LastLedgerSequence;
        _writtenSinceLeaseBase = 0;
        BudgetLog.LeaseWithheld(logger, PrimaryKey, lease, written, withheld, State.Period);
        return (lease, written, withheld);
    }

    private async Task AuditWithheldAsync(long leaseMicros, long writtenMicros, long withheldMicros)
    {
        try
        {
            await GrainFactory.AuditAsync(
                PrimaryKey,
                "budget.lease_withheld",
                "system",
                $"Budget of {State.Period}: withheld {withheldMicros} micro-dollars because the previous activation left a lease of {leaseMicros} open and the ledger shows {writtenMicros} of it; {State.WithheldMicros} withheld this period",
                ("period", State.Period),
                ("lease_micros", Micros(leaseMicros)),
                ("written_micros", Micros(writtenMicros)),
                ("withheld_micros", Micros(withheldMicros)),
                ("withheld_in_period_micros", Micros(State.WithheldMicros)));
        }
        catch (Exception ex)
        {
            // The withholding is durable and shows in every status; a missing audit line must not keep the budget down.
            BudgetLog.LeaseWithheldAuditFailed(logger, PrimaryKey, withheldMicros, ex);
        }
    }

    private void Apply(LedgerEntry entry)
    {
        State.LastLedgerSequence = entry.Sequence;

        // An entry of an earlier period (only possible if the clock went back) is in the ledger but not in these totals.
        if (entry.Period != State.Period)
        {
            return;
        }

        State.SpentMicros += entry.AmountMicros;
        if (entry.RunId is { } runId)
        {
            if (!State.Runs.TryGetValue(runId, out var run))
            {
                run = new RunSpend();
                State.Runs[runId] = run;
            }

            run.SpentMicros += entry.AmountMicros;
            run.LastPeriod = entry.Period;
        }
    }

    /// <summary>Records thresholds crossed now and queues their announcement; true when any was new.</summary>
    private bool RecordCrossings()
    {
        if (State.CapMicros == 0)
        {
            // Percentages of nothing mean nothing; a zero cap refuses everything without announcing it.
            return false;
        }

        var crossed = false;
        foreach (var percent in BudgetRules.WarningPercents)
        {
            if ((Int128)SpentMicros * 100 >= (Int128)State.CapMicros * percent)
            {
                crossed |= Cross(percent);
            }
        }

        if (SpentMicros + State.WithheldMicros + _reservations.ReservedMicros >= State.CapMicros)
        {
            crossed |= Cross(BudgetRules.ExhaustedPercent);
        }

        return crossed;
    }

    private bool Cross(int percent)
    {
        if (!State.ThresholdsCrossed.Add(percent))
        {
            return false;
        }

        State.Unannounced.Add(new PendingAnnouncement(State.Period, percent));
        metrics.ThresholdCrossed(PrimaryKey, percent);
        return true;
    }

    /// <summary>
    /// Audits recorded crossings, oldest first, and moves each into the outbox, which publishes it once the checkpoint
    /// that follows is durable. Runs after the crossing is durable, so none is lost; a crash between auditing and the
    /// checkpoint audits it again (at least once, normally exactly once).
    /// </summary>
    private async Task AnnounceAsync()
    {
        var announced = false;
        while (State.Unannounced.Count > 0)
        {
            var next = State.Unannounced[0];
            try
            {
                var status = Status();
                var withheld = status.WithheldMicros > 0 ? $" + withheld {status.WithheldMicros}" : "";
                var summary = next.Percent == BudgetRules.ExhaustedPercent
                    ? $"Budget of {next.Period} exhausted: spent {status.SpentMicros} + reserved {status.ReservedMicros}{withheld} reached the cap of {status.CapMicros} micro-dollars; new reservations are refused until the cap is raised"
                    : $"Budget of {next.Period} reached {next.Percent} %: spent {status.SpentMicros} of {status.CapMicros} micro-dollars";
                await GrainFactory.GetGrain<IAuditLogGrain>(PrimaryKey).AppendAsync(Audit(
                    "budget.threshold",
                    "system",
                    summary,
                    ("percent", next.Percent.ToString(CultureInfo.InvariantCulture)),
                    ("period", next.Period),
                    ("cap_micros", Micros(status.CapMicros)),
                    ("spent_micros", Micros(status.SpentMicros)),
                    ("reserved_micros", Micros(status.ReservedMicros)),
                    ("withheld_micros", Micros(status.WithheldMicros))));
                Outbox.Add(next.Percent == BudgetRules.ExhaustedPercent
                    ? new BudgetExhausted(PrimaryKey, next.Period, status.SpentMicros, status.CapMicros, time.GetUtcNow())
                    : new BudgetThresholdCrossed(PrimaryKey, next.Period, next.Percent, status.SpentMicros, status.CapMicros, time.GetUtcNow()));
            }
            catch (Exception ex)
            {
                // Spend must not fail because the audit did; the crossing stays queued and is retried.
                BudgetLog.AnnouncementFailed(logger, PrimaryKey, next.Percent, next.Period, ex);
                break;
            }

            State.Unannounced.RemoveAt(0);
            announced = true;
        }

        if (announced)
        {
            // Without this a restart would announce the same crossing again; the outbox's events are durable with it.
            await Outbox.ArmAsync();
            await CheckpointAsync();
            Outbox.Publish();
        }
    }

    /// <summary>
    /// Starts the background flush unless one is running (it picks up whatever is queued before it stops). It is a task
    /// of this activation, not a grain call: it holds no turn, and its continuations run between the pieces of turns.
    /// </summary>
    private void StartFlush()
    {
        if (_flush.IsCompleted && _flushFailure is null && _pending.QueuedCount > 0)
        {
            _flush = FlushLedgerAsync();
        }
    }

    /// <summary>
    /// Writes queued ledger entries, all of them in one append, until none is left. It never writes grain state, so it
    /// cannot race the turns' state writes; everything it changes in memory changes in one step after an append returns.
    /// </summary>
    private async Task FlushLedgerAsync()
    {
        // With nobody waiting for durability, settles of the next few milliseconds join this batch.
        await _window.WaitAsync();
        while (_pending.QueuedCount > 0)
        {
            var batch = _pending.BeginWrite();
            var expected = State.LastLedgerSequence;
            var entries = new LedgerEntry[batch.Count];
            var payloads = new ReadOnlyMemory<byte>[batch.Count];
            for (var i = 0; i < batch.Count; i++)
            {
                entries[i] = batch[i] with { Sequence = expected + i + 1 };
                payloads[i] = LedgerEntryCodec.Encode(entries[i]);
            }

            try
            {
                await Appender.AppendAsync(expected, payloads);
            }
            catch (Exception ex)
            {
                // A conflict means another activation writes this ledger; storage away past the appender's patience, or
                // any other failure, leaves the outcome unknown. Either
                // way memory may be wrong: deactivate without closing the lease, so the next activation replays the
                // ledger and withholds what the lease covered beyond it.
                _flushFailure = ex;
                _pending.FailWrites(ex);
                BudgetLog.LedgerWriteFailed(logger, PrimaryKey, entries.Length, ex);
                DeactivateOnIdle();
                return;
            }

            foreach (var entry in entries)
            {
                Apply(entry);
                _writtenSinceLeaseBase += entry.AmountMicros;
            }

            _uncheckpointed += entries.Length;
            _pending.EndWrite();
        }
    }

    /// <summary>
    /// Grows the lease so this reservation fits, by one state write before the grant. The new lease counts from the
    /// ledger's current end and covers pending settles, open reservations and this one, plus a slice of headroom, but
    /// never more than the cap leaves.
    /// </summary>
    private async Task ExtendLeaseAsync(long amountMicros)
    {
        var before = (Lease: State.LeaseMicros, Base: State.LeaseBaseSequence, Written: _writtenSinceLeaseBase);
        var outstanding = _pending.TotalMicros + _reservations.ReservedMicros + amountMicros;
        var room = Math.Max(0, State.CapMicros - State.SpentMicros - State.WithheldMicros);
        var slice = Math.Max(LeaseSliceReservations * amountMicros, room / LeaseSliceOfRoom);
        State.LeaseMicros = Math.Max(outstanding, Math.Min(room, outstanding + slice));
        State.LeaseBaseSequence = State.LastLedgerSequence;
        _writtenSinceLeaseBase = 0;
        try
        {
            await WriteCheckpointAsync();
        }
        catch
        {
            // Storage may or may not hold the larger lease; memory keeps the one known to be durable, and the runtime
            // deactivates this activation (a stale or unknown write), so nothing is granted on the strength of it.
            State.LeaseMicros = before.Lease;
            State.LeaseBaseSequence = before.Base;
            _writtenSinceLeaseBase += before.Written;
            throw;
        }

        BudgetLog.LeaseExtended(logger, PrimaryKey, State.LeaseMicros, State.LeaseBaseSequence);
    }

    /// <summary>Writes the checkpoint; the lease moves to the ledger's end on the way, or closes (0) when the activation ends.</summary>
    private async Task CheckpointAsync(bool closingLease = false)
    {
        RebaseLease(closingLease);
        await WriteCheckpointAsync();
    }

    /// <summary>
    /// Restates the lease from the ledger's current end: what the ledger took since the old base is now in the totals,
    /// so the lease shrinks by it (and to what the cap leaves, after a lower cap), but never below what is still open.
    /// Recovery then reads less, and spent + withheld + lease stays within the cap in storage.
    /// </summary>
    private void RebaseLease(bool closing)
    {
        if (closing)
        {
            State.LeaseMicros = 0;
        }
        else
        {
            var outstanding = _pending.TotalMicros + _reservations.ReservedMicros;
            var left = Math.Max(0, State.LeaseMicros - _writtenSinceLeaseBase);
            var room = Math.Max(0, State.CapMicros - State.SpentMicros - State.WithheldMicros);
            State.LeaseMicros = Math.Max(outstanding, Math.Min(left, room));
        }

        State.LeaseBaseSequence = State.LastLedgerSequence;
        _writtenSinceLeaseBase = 0;
    }

    /// <summary>
    /// Writes grain state. Only turns and activation steps call this, so two writes never overlap. The state is serialized
    /// when the write starts, in the same step as the changes before it; the flush may apply entries during the await,
    /// so only what was counted before the write is marked as checkpointed.
    /// </summary>
    private async Task WriteCheckpointAsync()
    {
        var covered = _uncheckpointed;
        await budget.WriteStateAsync();
        _uncheckpointed -= covered;
        _dirty = false;
    }

    private long RunSpent(string runId) => (State.Runs.TryGetValue(runId, out var run) ? run.SpentMicros : 0) + _pending.ByRun(runId);

    private ReservationResult Refused(string refusal, string reason)
    {
        metrics.ReservationRefused(PrimaryKey, reason);
        return new(false, null, refusal, Status());
    }

    private BudgetStatus Status()
    {
        var spent = SpentMicros;
        var reserved = _reservations.ReservedMicros;
        var withheld = State.WithheldMicros;
        return new BudgetStatus(
            State.Period,
            State.CapMicros,
            spent,
            reserved,
            Math.Max(0, State.CapMicros - spent - reserved - withheld),
            State.ThresholdsCrossed.ToImmutableSortedSet(),
            withheld);
    }

    private static string Micros(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static AuditRecord Audit(string kind, string actor, string summary, params (string Key, string Value)[] details) =>
        AuditRecord.Create(kind, actor, summary, details);
}
