using System.Collections.Immutable;
using System.Globalization;

using Microsoft.Extensions.Logging;

using Platform.Grains.Audit;
using Platform.Grains.Interfaces.Audit;
using Platform.Grains.Interfaces.Budget;
using Platform.Silo.Journal;

namespace Platform.Grains.Budget;

/// <summary>
/// A workspace's monthly budget (key: workspace id).
/// <para>
/// Reserve touches memory only, so a model proxy can call it at thousands of requests per second; the grain's turn
/// serializes reservations, so no interleaving passes a cap. Settle is durable before it returns: it appends a
/// <see cref="LedgerEntry"/> to the journal stream <c>ledger/{workspace}</c>. The totals in grain state are a checkpoint
/// of that ledger, written every <see cref="CheckpointEvery"/> settles, on every cap or threshold change and on
/// deactivation; an activation replays the ledger beyond the checkpoint, so a crash between the ledger append and the
/// state write never lowers spent below what Settle acknowledged. A crash loses open reservations only.
/// </para>
/// <para>
/// What thresholds measure: 50, 75 and 90 % compare <em>settled</em> spend with the cap, because reservations are
/// worst-case estimates that mostly come back and warnings about them would cry wolf. 100 % ("exhausted") is reached
/// when spent + reserved reaches the cap, the moment every new reservation is refused. Each is recorded once per period
/// in state (so it is announced once even across restarts) and then audited as <c>budget.threshold</c> and published
/// through <see cref="IBudgetEvents"/>. Raising the cap lifts the stop at once but does not re-arm crossed thresholds.
/// </para>
/// <para>
/// A reservation neither settled nor released within <see cref="BudgetRules.ReservationLifetime"/> is released on the
/// next call, so a crashed caller cannot hold budget forever; settling it afterwards still records the cost, because
/// the money was spent. This guarantee holds for one activation per workspace; across several machines the budget
/// lease of the design brief is what keeps the sum of in-memory reservations under the cap.
/// </para>
/// </summary>
public sealed class BudgetGrain(
    [PersistentState("budget")] IPersistentState<BudgetState> budget,
    IJournalStorage journal,
    IBudgetEvents events,
    TimeProvider time,
    ILogger<BudgetGrain> logger) : Grain, IBudgetGrain
{
    /// <summary>The most entries one <see cref="GetLedgerAsync"/> returns.</summary>
    public const int MaxLedgerLimit = 1000;

    /// <summary>How many settles may pass between checkpoints, bounding what an activation replays.</summary>
    public const int CheckpointEvery = 64;

    private const int JournalPageSize = 1000;

    private readonly ReservationBook _reservations = new();
    private int _uncheckpointed;
    private bool _dirty;

    private BudgetState State => budget.State;

    private string Stream => $"ledger/{PrimaryKey}";

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await ReplayLedgerAsync(cancellationToken);
        if (RecordCrossings())
        {
            await CheckpointAsync();
        }

        RollOver(time.GetUtcNow());
        await AnnounceAsync();
    }

    /// <inheritdoc />
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_uncheckpointed == 0 && !_dirty)
        {
            return;
        }

        try
        {
            await CheckpointAsync();
        }
        catch (Exception ex) when (ex is InconsistentStateException or StorageUnavailableException)
        {
            // Nothing is lost: the ledger holds every settle and the next activation replays it.
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
    public async Task<ReservationResult> ReserveAsync(ReservationRequest request)
    {
        BudgetRules.Validate(request);
        await MaintainAsync();

        var used = State.SpentMicros + _reservations.ReservedMicros;
        if (used + request.AmountMicros > State.CapMicros)
        {
            var remaining = Math.Max(0, State.CapMicros - used);
            return Refused(remaining == 0 ? BudgetRules.OutOfBudget : BudgetRules.TooLarge(request.AmountMicros, remaining));
        }

        if (request is { RunId: { } runId, RunCapMicros: { } runCap }
            && RunSpent(runId) + _reservations.ReservedByRun(runId) + request.AmountMicros > runCap)
        {
            return Refused(BudgetRules.RunCapReached(runCap));
        }

        var reservation = _reservations.Add(request.AmountMicros, request.Purpose, request.RunId, time.GetUtcNow() + BudgetRules.ReservationLifetime);

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
    /// A second settle of one reservation is refused with <see cref="InvalidOperationException"/>.
    /// </remarks>
    public async Task<BudgetStatus> SettleAsync(string reservationId, long actualMicros)
    {
        BudgetRules.ValidateActual(actualMicros);
        await MaintainAsync();
        var reservation = TakeForSettle(reservationId);
        if (actualMicros == 0)
        {
            return Status();
        }

        var expected = State.LastLedgerSequence;
        var entry = new LedgerEntry(expected + 1, time.GetUtcNow(), State.Period, reservation.Id, reservation.Purpose, reservation.RunId, actualMicros);
        try
        {
            await journal.AppendAsync(Stream, expected, [LedgerEntryCodec.Encode(entry)]);
        }
        catch
        {
            // A conflict means another activation writes this ledger; an unavailable store leaves the outcome unknown.
            // Either way memory may be wrong: the next call starts from a fresh activation that replays the ledger.
            DeactivateOnIdle();
            throw;
        }

        Apply(entry);
        _uncheckpointed++;
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
    public Task SettleDeferredAsync(string reservationId, long actualMicros) => SettleAsync(reservationId, actualMicros);

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
        State.SpentMicros = 0;
        State.ThresholdsCrossed.Clear();
        _dirty = true;
    }

    private async Task ReplayLedgerAsync(CancellationToken cancellationToken)
    {
        var replayed = 0;
        while (true)
        {
            var rows = await journal.ReadAsync(Stream, State.LastLedgerSequence, JournalPageSize, cancellationToken);
            foreach (var row in rows)
            {
                var entry = LedgerEntryCodec.Decode(row.Sequence, row.Payload);
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
        }

        if (replayed > 0)
        {
            _uncheckpointed += replayed;
            BudgetLog.LedgerReplayed(logger, PrimaryKey, replayed, State.LastLedgerSequence);
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
            if ((Int128)State.SpentMicros * 100 >= (Int128)State.CapMicros * percent)
            {
                crossed |= Cross(percent);
            }
        }

        if (State.SpentMicros + _reservations.ReservedMicros >= State.CapMicros)
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
        return true;
    }

    /// <summary>
    /// Audits and publishes recorded crossings, oldest first. Runs after the crossing is durable, so none is lost; a crash
    /// between announcing and the checkpoint that follows announces it again (at least once, normally exactly once).
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
                var summary = next.Percent == BudgetRules.ExhaustedPercent
                    ? $"Budget of {next.Period} exhausted: spent {status.SpentMicros} + reserved {status.ReservedMicros} reached the cap of {status.CapMicros} micro-dollars; new reservations are refused until the cap is raised"
                    : $"Budget of {next.Period} reached {next.Percent} %: spent {status.SpentMicros} of {status.CapMicros} micro-dollars";
                await GrainFactory.GetGrain<IAuditLogGrain>(PrimaryKey).AppendAsync(Audit(
                    "budget.threshold",
                    "system",
                    summary,
                    ("percent", next.Percent.ToString(CultureInfo.InvariantCulture)),
                    ("period", next.Period),
                    ("cap_micros", Micros(status.CapMicros)),
                    ("spent_micros", Micros(status.SpentMicros)),
                    ("reserved_micros", Micros(status.ReservedMicros))));
                await (next.Percent == BudgetRules.ExhaustedPercent
                    ? events.ExhaustedAsync(PrimaryKey, next.Period, status)
                    : events.ThresholdCrossedAsync(PrimaryKey, next.Period, next.Percent, status));
            }
            catch (Exception ex)
            {
                // Spend must not fail because the announcement did; the crossing stays queued and is retried.
                BudgetLog.AnnouncementFailed(logger, PrimaryKey, next.Percent, next.Period, ex);
                break;
            }

            State.Unannounced.RemoveAt(0);
            announced = true;
        }

        if (announced)
        {
            // Without this a restart would announce the same crossing again.
            await CheckpointAsync();
        }
    }

    private async Task CheckpointAsync()
    {
        await budget.WriteStateAsync();
        _uncheckpointed = 0;
        _dirty = false;
    }

    private long RunSpent(string runId) => State.Runs.TryGetValue(runId, out var run) ? run.SpentMicros : 0;

    private ReservationResult Refused(string refusal) => new(false, null, refusal, Status());

    private BudgetStatus Status()
    {
        var reserved = _reservations.ReservedMicros;
        return new BudgetStatus(
            State.Period,
            State.CapMicros,
            State.SpentMicros,
            reserved,
            Math.Max(0, State.CapMicros - State.SpentMicros - reserved),
            State.ThresholdsCrossed.ToImmutableSortedSet(),
            WithheldMicros: 0);
    }

    private static string Micros(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static AuditRecord Audit(string kind, string actor, string summary, params (string Key, string Value)[] details) =>
        new(kind, actor, summary, details.ToImmutableSortedDictionary(static d => d.Key, static d => d.Value, StringComparer.Ordinal));
}
