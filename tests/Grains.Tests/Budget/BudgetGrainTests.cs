using System.Collections.Immutable;
using System.Globalization;

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

using Platform.Grains.Budget;
using Platform.Grains.Events;
using Platform.Grains.Interfaces.Audit;
using Platform.Grains.Interfaces.Budget;
using Platform.Grains.Interfaces.Events;
using Platform.Silo;
using Platform.Silo.Journal;
using Platform.Silo.Storage;
using Platform.Testing;

namespace Platform.Grains.Tests.Budget;

/// <summary>
/// The budget grain through the runtime against a real store. Restart tests start a second silo over the same store, as
/// a restarted process would; the crash test writes the ledger directly, as a process that died after its append would.
/// </summary>
public abstract class BudgetGrainTests
{
    private static readonly DateTimeOffset January = new(2026, 1, 10, 12, 0, 0, TimeSpan.Zero);

    // Only for waits that would hang if the behaviour under test broke; nothing is timed by it.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Registers the store under test; every call within one test reaches the same data.</summary>
    protected abstract Task<Action<IServiceCollection>> StoreAsync();

    [Fact]
    public async Task Of_a_thousand_concurrent_reservations_against_a_cap_for_one_hundred_exactly_one_hundred_are_granted()
    {
        await using var silo = await StartAsync();
        var workspace = NewWorkspace();
        await Budget(silo, workspace).SetCapAsync(100_000, "user:owner");

        var results = await Task.WhenAll(Enumerable.Range(0, 1000).Select(i => Task.Run(
            () => Budget(silo, workspace).ReserveAsync(new ReservationRequest(1_000, "proxy.chat_completion")), Ct)));

        Assert.Equal(100, results.Count(static r => r.Granted));
        Assert.Equal(100, results.Where(static r => r.Granted).Select(static r => r.ReservationId).Distinct().Count());
        Assert.All(results.Where(static r => !r.Granted), static r => Assert.Equal(BudgetRules.OutOfBudget, r.Refusal));
        var status = await Budget(silo, workspace).GetStatusAsync();
        Assert.Equal((100_000L, 0L, 100_000L, 0L), (status.CapMicros, status.SpentMicros, status.ReservedMicros, status.RemainingMicros));
        Assert.Equal([100], status.ThresholdsCrossed);
        Assert.Equal([100], await ThresholdAuditsAsync(silo, workspace));
    }

    [Fact]
    public async Task Each_threshold_is_audited_exactly_once_per_period_even_under_concurrency()
    {
        await using var silo = await StartAsync();
        var workspace = NewWorkspace();
        await Budget(silo, workspace).SetCapAsync(100_000, "user:owner");

        await Task.WhenAll(Enumerable.Range(0, 300).Select(i => Task.Run(async () =>
        {
            var budget = Budget(silo, workspace);
            var reserved = await budget.ReserveAsync(new ReservationRequest(1_000, "run.model_call", $"run-{i % 7}"));
            if (reserved.Granted)
            {
                await budget.SettleAsync(reserved.ReservationId!, 1_000);
            }
        }, Ct)));
        await Budget(silo, workspace).GetStatusAsync();

        var status = await Budget(silo, workspace).GetStatusAsync();
        Assert.Equal(100_000, status.SpentMicros);
        Assert.Equal([50, 75, 90, 100], status.ThresholdsCrossed);
        Assert.Equal([50, 75, 90, 100], (await ThresholdAuditsAsync(silo, workspace)).Order());
        Assert.Equal(100, (await Budget(silo, workspace).GetLedgerAsync(0, 1000)).Entries.Length);
    }

    [Fact]
    public async Task Each_crossing_is_published_once_with_spend_cap_and_time_and_a_refusing_bus_holds_no_spend()
    {
        var events = new RecordingPlatformEvents();
        var time = TestClock.Create(January);
        await using var silo = await StartAsync(await StoreAsync(), time, watch: services => services.AddSingleton<IPlatformEvents>(events));
        var workspace = NewWorkspace();
        var budget = Budget(silo, workspace);
        await budget.SetCapAsync(10_000, "user:owner");
        events.Refuse();

        // Every spend is answered while the bus refuses; the crossings wait in the budget's outbox.
        for (var i = 0; i < 10; i++)
        {
            var reserved = await budget.ReserveAsync(new ReservationRequest(1_000, "run.model_call", "run-1"));
            await budget.SettleAsync(reserved.ReservationId!, 1_000);
        }

        await events.WaitForRefusalsAsync();
        events.Accept();
        var crossed = await ReminderTicks.AdvanceUntilAsync(time, events.WaitForAsync<BudgetThresholdCrossed>(3), TimeSpan.FromSeconds(1));
        var exhausted = Assert.Single(await events.WaitForAsync<BudgetExhausted>());

        Assert.Equal([50, 75, 90], crossed.Select(static e => e.ThresholdPercent));
        Assert.All(crossed, e => Assert.Equal((workspace, "2026-01", 10_000L), (e.WorkspaceId, e.Period, e.CapMicros)));
        Assert.Equal([5_000L, 8_000L, 9_000L], crossed.Select(static e => e.SpentMicros));
        // Exhausted when the last reservation made spent + reserved reach the cap: 9,000 settled at that moment.
        Assert.Equal((workspace, 9_000L, 10_000L), (exhausted.WorkspaceId, exhausted.SpentMicros, exhausted.CapMicros));
        Assert.Equal(4, events.EventIds.Distinct().Count());
    }

    [Fact]
    public async Task Raising_the_cap_lifts_the_stop_at_once_without_announcing_crossed_thresholds_again()
    {
        await using var silo = await StartAsync();
        var budget = Budget(silo, NewWorkspace());
        await budget.SetCapAsync(1_000, "user:owner");
        await SpendAsync(budget, 1_000);

        var stopped = await budget.ReserveAsync(new ReservationRequest(1, "run.model_call"));
        await budget.SetCapAsync(2_000, "user:owner");
        var resumed = await budget.ReserveAsync(new ReservationRequest(1, "run.model_call"));

        Assert.False(stopped.Granted);
        Assert.Equal(BudgetRules.OutOfBudget, stopped.Refusal);
        Assert.True(resumed.Granted);
        Assert.Equal(999, resumed.Status.RemainingMicros);
        Assert.Equal([50, 75, 90, 100], resumed.Status.ThresholdsCrossed);
    }

    [Fact]
    public async Task A_reservation_larger_than_what_remains_is_refused_saying_how_much_remains()
    {
        await using var silo = await StartAsync();
        var budget = Budget(silo, NewWorkspace());
        await budget.SetCapAsync(1_000, "user:owner");
        await SpendAsync(budget, 400);

        var refused = await budget.ReserveAsync(new ReservationRequest(700, "run.model_call"));
        var granted = await budget.ReserveAsync(new ReservationRequest(600, "run.model_call"));

        Assert.False(refused.Granted);
        Assert.StartsWith("out of budget:", refused.Refusal, StringComparison.Ordinal);
        Assert.Contains("600 remain", refused.Refusal, StringComparison.Ordinal);
        Assert.True(granted.Granted);
    }

    [Fact]
    public async Task A_new_month_resets_spend_and_thresholds_and_keeps_the_old_ledger_out_of_the_current_page()
    {
        var time = TestClock.Create(January);
        await using var silo = await StartAsync(await StoreAsync(), time);
        var workspace = NewWorkspace();
        var budget = Budget(silo, workspace);
        await budget.SetCapAsync(1_000, "user:owner");
        await SpendAsync(budget, 600);
        Assert.Equal(("2026-01", 600L), ((await budget.GetStatusAsync()).Period, (await budget.GetStatusAsync()).SpentMicros));

        time.Advance(TimeSpan.FromDays(22));
        var february = await budget.GetStatusAsync();
        var emptyLedger = await budget.GetLedgerAsync(0, 100);
        await SpendAsync(budget, 500);
        var ledger = await budget.GetLedgerAsync(0, 100);

        Assert.Equal(new BudgetStatus("2026-02", 1_000, 0, 0, 1_000, [], 0), february);
        Assert.Empty(emptyLedger.Entries);
        Assert.Equal(1, emptyLedger.LastSequence);
        var entry = Assert.Single(ledger.Entries);
        Assert.Equal((2L, "2026-02", 500L), (entry.Sequence, entry.Period, entry.AmountMicros));
        Assert.Equal([50], (await budget.GetStatusAsync()).ThresholdsCrossed);
        var audits = (await silo.Grains.GetGrain<IAuditLogGrain>(workspace).ReadAsync(0, 100, "budget.threshold")).Entries;
        Assert.Equal(["2026-01", "2026-02"], audits.Select(static a => a.Details["period"]));
    }

    [Fact]
    public async Task Usage_sums_the_period_by_day_key_and_model_counting_unwritten_settles_and_a_restart_rebuilds_it_from_the_ledger()
    {
        var time = TestClock.Create(January);
        var store = await StoreAsync();
        var workspace = NewWorkspace();
        UsageRow[] byKeyBefore;
        await using (var first = await StartAsync(store, time))
        {
            var budget = Budget(first, workspace);
            await budget.SetCapAsync(1_000_000, "user:owner");
            await SettleAsync(budget, 40, keyId: "key-a", model: "gpt-a");
            await SettleAsync(budget, 30, keyId: "key-b", model: "gpt-a");
            time.Advance(TimeSpan.FromDays(1));
            await SettleAsync(budget, 20, keyId: "key-a", model: "gpt-b");
            await SettleAsync(budget, 10, model: "gpt-b", runId: "run-1", deferred: true);

            var byKey = await budget.GetUsageAsync(UsageGrouping.Key);
            var byModel = await budget.GetUsageAsync(UsageGrouping.Model);
            var byDay = await budget.GetUsageAsync(UsageGrouping.Day);
            await SettleAsync(budget, 5, keyId: "key-b", model: "gpt-a", deferred: true);
            var after = await budget.GetUsageAsync(UsageGrouping.Key);

            Assert.Equal(("2026-01", UsageGrouping.Key, 100L), (byKey.Period, byKey.GroupBy, byKey.SpentMicros));
            Assert.Equal([new("key-a", 60, 2), new("key-b", 30, 1), new(BudgetUsage.Unattributed, 10, 1)], byKey.Rows);
            Assert.Equal([new("gpt-a", 70, 2), new("gpt-b", 30, 2)], byModel.Rows);
            Assert.Equal([new("2026-01-10", 70, 2), new("2026-01-11", 30, 2)], byDay.Rows);
            Assert.Equal(105, after.SpentMicros);
            Assert.Equal([new("key-a", 60, 2), new("key-b", 35, 2), new(BudgetUsage.Unattributed, 10, 1)], after.Rows);
            byKeyBefore = [.. after.Rows];
        }

        await using var restarted = await StartAsync(store, time);
        var rebuilt = await Budget(restarted, workspace).GetUsageAsync(UsageGrouping.Key);

        Assert.Equal(105, rebuilt.SpentMicros);
        Assert.Equal(byKeyBefore, rebuilt.Rows);
    }

    [Fact]
    public async Task A_new_month_starts_usage_afresh()
    {
        var time = TestClock.Create(January);
        await using var silo = await StartAsync(await StoreAsync(), time);
        var budget = Budget(silo, NewWorkspace());
        await budget.SetCapAsync(1_000_000, "user:owner");
        await SettleAsync(budget, 40, keyId: "key-a", model: "gpt-a");
        Assert.Equal(40, (await budget.GetUsageAsync(UsageGrouping.Model)).SpentMicros);

        time.Advance(TimeSpan.FromDays(22));
        var february = await budget.GetUsageAsync(UsageGrouping.Model);
        await SettleAsync(budget, 7, keyId: "key-a", model: "gpt-b");
        var later = await budget.GetUsageAsync(UsageGrouping.Model);

        Assert.Equal(("2026-02", 0L), (february.Period, february.SpentMicros));
        Assert.Empty(february.Rows);
        Assert.Equal([new UsageRow("gpt-b", 7, 1)], later.Rows);
    }

    [Fact]
    public async Task A_run_cap_counts_the_runs_spend_and_reservations_and_leaves_other_runs_alone()
    {
        await using var silo = await StartAsync();
        var budget = Budget(silo, NewWorkspace());
        await budget.SetCapAsync(1_000_000, "user:owner");

        var first = await budget.ReserveAsync(new ReservationRequest(600, "run.model_call", "run-1", 1_000));
        var beyond = await budget.ReserveAsync(new ReservationRequest(500, "run.model_call", "run-1", 1_000));
        await budget.SettleAsync(first.ReservationId!, 700);
        var exactlyToTheCap = await budget.ReserveAsync(new ReservationRequest(300, "run.model_call", "run-1", 1_000));
        var onePastIt = await budget.ReserveAsync(new ReservationRequest(1, "run.model_call", "run-1", 1_000));
        var otherRun = await budget.ReserveAsync(new ReservationRequest(900, "run.model_call", "run-2", 1_000));

        Assert.True(first.Granted);
        Assert.False(beyond.Granted);
        Assert.Equal("run cap reached: this run may spend at most 1000 micro-dollars", beyond.Refusal);
        Assert.True(exactlyToTheCap.Granted);
        Assert.False(onePastIt.Granted);
        Assert.True(otherRun.Granted);
    }

    [Fact]
    public async Task Settled_spend_survives_a_graceful_restart_and_an_activation_that_never_checkpointed()
    {
        var store = await StoreAsync();
        var workspace = NewWorkspace();
        await using (var first = await StartAsync(store))
        {
            var budget = Budget(first, workspace);
            await budget.SetCapAsync(10_000, "user:owner");
            await SpendAsync(budget, 1_000);
            await SpendAsync(budget, 2_000);
        }

        await using var second = await StartAsync(store);
        await SpendAsync(Budget(second, workspace), 500);

        // The second silo has not deactivated, so its settle is only in the ledger; a third one must still count it.
        await using var third = await StartAsync(store);
        var status = await Budget(third, workspace).GetStatusAsync();

        Assert.Equal(3_500, status.SpentMicros);
        Assert.Equal(3, (await Budget(third, workspace).GetLedgerAsync(0, 10)).Entries.Length);
    }

    [Fact]
    public async Task A_ledger_entry_appended_before_a_crash_that_lost_the_state_write_is_counted_on_activation()
    {
        var store = await StoreAsync();
        var workspace = NewWorkspace();
        await using (var first = await StartAsync(store))
        {
            var budget = Budget(first, workspace);
            await budget.SetCapAsync(10_000, "user:owner");
            await SpendAsync(budget, 1_000);
        }

        // What a process that died right after its ledger append leaves behind: the entry, but no state that includes it.
        await using (var crashed = await StartAsync(store))
        {
            var journal = crashed.Services.GetRequiredService<IJournalStorage>();
            var entry = new LedgerEntry(2, January, "2026-01", "res_lost_in_crash", "run.model_call", "run-9", 4_500);
            await journal.AppendAsync($"ledger/{workspace}", 1, [LedgerEntryCodec.Encode(entry)], Ct);
        }

        await using var fresh = await StartAsync(store);
        var status = await Budget(fresh, workspace).GetStatusAsync();

        Assert.Equal(5_500, status.SpentMicros);
        Assert.Equal([50], status.ThresholdsCrossed);
        Assert.Equal([50], await ThresholdAuditsAsync(fresh, workspace));
        Assert.Equal(["res_lost_in_crash"], (await Budget(fresh, workspace).GetLedgerAsync(1, 10)).Entries.Select(static e => e.ReservationId));
    }

    [Fact]
    public async Task Release_returns_the_reservation_and_a_released_reservation_cannot_be_settled()
    {
        await using var silo = await StartAsync();
        var budget = Budget(silo, NewWorkspace());
        await budget.SetCapAsync(1_000, "user:owner");
        var reserved = await budget.ReserveAsync(new ReservationRequest(800, "run.model_call"));

        var released = await budget.ReleaseAsync(reserved.ReservationId!);
        var again = await budget.ReleaseAsync(reserved.ReservationId!);

        Assert.Equal(800, reserved.Status.ReservedMicros);
        Assert.Equal((0L, 0L, 1_000L), (released.SpentMicros, released.ReservedMicros, released.RemainingMicros));
        Assert.Equal(released, again);
        await Assert.ThrowsAsync<InvalidOperationException>(() => budget.SettleAsync(reserved.ReservationId!, 100));
        await Assert.ThrowsAsync<ArgumentException>(() => budget.ReleaseAsync("res_unknown"));
        Assert.Empty((await budget.GetLedgerAsync(0, 10)).Entries);
    }

    [Fact]
    public async Task A_second_settle_is_refused_and_counted_once_and_an_excess_over_the_reservation_counts()
    {
        await using var silo = await StartAsync();
        var budget = Budget(silo, NewWorkspace());
        await budget.SetCapAsync(10_000, "user:owner");
        var reserved = await budget.ReserveAsync(new ReservationRequest(100, "run.model_call"));

        var settled = await budget.SettleAsync(reserved.ReservationId!, 300);
        var second = await Assert.ThrowsAsync<InvalidOperationException>(() => budget.SettleAsync(reserved.ReservationId!, 300));

        Assert.Contains("settled already", second.Message, StringComparison.Ordinal);
        Assert.Equal((300L, 0L), (settled.SpentMicros, settled.ReservedMicros));
        Assert.Equal(300, (await budget.GetStatusAsync()).SpentMicros);
        Assert.Single((await budget.GetLedgerAsync(0, 10)).Entries);
    }

    [Fact]
    public async Task A_reservation_left_for_fifteen_minutes_is_released_and_a_late_settle_still_counts()
    {
        await using var silo = await StartAsync();
        var budget = Budget(silo, NewWorkspace());
        await budget.SetCapAsync(1_000, "user:owner");
        var stale = await budget.ReserveAsync(new ReservationRequest(1_000, "run.model_call"));
        var blocked = await budget.ReserveAsync(new ReservationRequest(1, "run.model_call"));

        silo.Time.Advance(TimeSpan.FromMinutes(14));
        var stillHeld = await budget.GetStatusAsync();
        silo.Time.Advance(TimeSpan.FromMinutes(1));
        var freed = await budget.GetStatusAsync();
        var lateSettle = await budget.SettleAsync(stale.ReservationId!, 250);

        Assert.False(blocked.Granted);
        Assert.Equal(1_000, stillHeld.ReservedMicros);
        Assert.Equal((0L, 1_000L), (freed.ReservedMicros, freed.RemainingMicros));
        Assert.Equal((250L, 750L), (lateSettle.SpentMicros, lateSettle.RemainingMicros));
        await Assert.ThrowsAsync<InvalidOperationException>(() => budget.SettleAsync(stale.ReservationId!, 250));
    }

    [Fact]
    public async Task Invalid_requests_are_refused_and_change_nothing()
    {
        await using var silo = await StartAsync();
        var workspace = NewWorkspace();
        var budget = Budget(silo, workspace);
        await budget.SetCapAsync(1_000, "user:owner");
        var held = await budget.ReserveAsync(new ReservationRequest(100, "run.model_call", "run-1", 500));
        var before = await budget.GetStatusAsync();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => budget.ReserveAsync(new ReservationRequest(0, "run.model_call")));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => budget.ReserveAsync(new ReservationRequest(-5, "run.model_call")));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => budget.ReserveAsync(new ReservationRequest(BudgetRules.MaxAmountMicros + 1, "run.model_call")));
        await Assert.ThrowsAsync<ArgumentException>(() => budget.ReserveAsync(new ReservationRequest(10, " ")));
        await Assert.ThrowsAsync<ArgumentException>(() => budget.ReserveAsync(new ReservationRequest(10, "run.model_call", null, 500)));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => budget.ReserveAsync(new ReservationRequest(10, "run.model_call", "run-1", -1)));
        await Assert.ThrowsAsync<ArgumentException>(() => budget.SettleAsync("res_unknown", 10));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => budget.SettleAsync(held.ReservationId!, -1));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => budget.SettleAsync(held.ReservationId!, BudgetRules.MaxAmountMicros + 1));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => budget.SetCapAsync(-1, "user:owner"));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => budget.SetCapAsync(BudgetRules.MaxCapMicros + 1, "user:owner"));
        await Assert.ThrowsAsync<ArgumentException>(() => budget.SetCapAsync(5_000, ""));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => budget.GetLedgerAsync(0, 0));

        Assert.Equal(before, await budget.GetStatusAsync());
        Assert.Empty((await budget.GetLedgerAsync(0, 10)).Entries);
        Assert.Single((await silo.Grains.GetGrain<IAuditLogGrain>(workspace).ReadAsync(0, 100, "budget")).Entries);
        Assert.Equal(100, (await budget.SettleAsync(held.ReservationId!, 100)).SpentMicros);
    }

    [Fact]
    public async Task A_fresh_budget_has_a_zero_cap_and_refuses_every_reservation_without_announcing()
    {
        await using var silo = await StartAsync();
        var workspace = NewWorkspace();

        var refused = await Budget(silo, workspace).ReserveAsync(new ReservationRequest(1, "run.model_call"));

        Assert.False(refused.Granted);
        Assert.Equal(BudgetRules.OutOfBudget, refused.Refusal);
        Assert.Equal(new BudgetStatus("2026-01", 0, 0, 0, 0, [], 0), refused.Status);
        Assert.Empty(await ThresholdAuditsAsync(silo, workspace));
    }

    [Fact]
    public async Task The_ledger_pages_through_the_current_period_oldest_first()
    {
        await using var silo = await StartAsync();
        var budget = Budget(silo, NewWorkspace());
        await budget.SetCapAsync(1_000_000, "user:owner");
        for (var i = 1; i <= 5; i++)
        {
            await SpendAsync(budget, i * 10, $"run-{i}");
        }

        var firstPage = await budget.GetLedgerAsync(0, 2);
        var rest = await budget.GetLedgerAsync(firstPage.Entries[^1].Sequence, 10);

        Assert.Equal([1L, 2L], firstPage.Entries.Select(static e => e.Sequence));
        Assert.Equal([30L, 40L, 50L], rest.Entries.Select(static e => e.AmountMicros));
        Assert.Equal(5, rest.LastSequence);
        Assert.Equal("run-3", rest.Entries[0].RunId);
        Assert.Equal(silo.Time.GetUtcNow(), rest.Entries[0].At);
    }

    [Fact]
    public async Task Of_a_thousand_concurrent_reserve_and_deferred_settle_pairs_exactly_one_hundred_are_granted_and_the_ledger_holds_exactly_them()
    {
        var store = await StoreAsync();
        var workspace = NewWorkspace();
        ReservationResult[] results;
        await using (var silo = await StartAsync(store))
        {
            await Budget(silo, workspace).SetCapAsync(100_000, "user:owner");

            results = await Task.WhenAll(Enumerable.Range(0, 1000).Select(i => Task.Run(async () =>
            {
                var budget = Budget(silo, workspace);
                var reserved = await budget.ReserveAsync(new ReservationRequest(1_000, "proxy.chat_completion"));
                if (reserved.Granted)
                {
                    await budget.SettleDeferredAsync(reserved.ReservationId!, 1_000);
                }

                return reserved;
            }, Ct)));

            var status = await Budget(silo, workspace).GetStatusAsync();
            Assert.Equal((100_000L, 0L, 0L), (status.SpentMicros, status.ReservedMicros, status.RemainingMicros));
        }

        await using var restarted = await StartAsync(store);
        var after = await Budget(restarted, workspace).GetStatusAsync();
        var ledger = await Budget(restarted, workspace).GetLedgerAsync(0, 1000);

        var granted = results.Where(static r => r.Granted).Select(static r => r.ReservationId!).ToArray();
        Assert.Equal(100, granted.Length);
        Assert.All(results.Where(static r => !r.Granted), static r => Assert.Equal(BudgetRules.OutOfBudget, r.Refusal));
        Assert.Equal((100_000L, 0L, 0L), (after.SpentMicros, after.ReservedMicros, after.WithheldMicros));
        Assert.Equal(granted.Order(StringComparer.Ordinal), ledger.Entries.Select(static e => e.ReservationId).Order(StringComparer.Ordinal));
        Assert.All(ledger.Entries, static e => Assert.Equal(1_000, e.AmountMicros));
        Assert.Equal(Enumerable.Range(1, 100).Select(static n => (long)n), ledger.Entries.Select(static e => e.Sequence));
    }

    [Fact]
    public async Task Deferred_settles_count_at_once_return_before_their_ledger_write_and_are_written_in_batches()
    {
        const int Settles = 200;
        var store = await StoreAsync();
        var workspace = NewWorkspace();
        var (silo, gate) = await StartGatedAsync(store);
        BudgetStatus counted;
        LedgerPage unwritten;
        await using (silo)
        {
            var budget = Budget(silo, workspace);
            await budget.SetCapAsync(1_000_000, "user:owner");
            var reservations = new List<string>();
            for (var i = 0; i < Settles; i++)
            {
                reservations.Add((await budget.ReserveAsync(new ReservationRequest(1_000, "proxy.chat_completion"))).ReservationId!);
            }

            // With the ledger write held, every deferred settle still returns: none waits for storage.
            gate.Hold();
            await Task.WhenAll(reservations.Select(id => Task.Run(() => Budget(silo, workspace).SettleDeferredAsync(id, 700), Ct))).WaitAsync(Patience, Ct);
            counted = await budget.GetStatusAsync();
            unwritten = await budget.GetLedgerAsync(0, 1000);
            gate.Release();
        }

        await using var restarted = await StartAsync(store);
        var after = await Budget(restarted, workspace).GetStatusAsync();
        var ledger = await Budget(restarted, workspace).GetLedgerAsync(0, 1000);

        Assert.Equal((140_000L, 0L, 860_000L), (counted.SpentMicros, counted.ReservedMicros, counted.RemainingMicros));
        Assert.Empty(unwritten.Entries);
        Assert.InRange(gate.LedgerAppends, 1, Settles - 1);
        Assert.Equal(Settles, ledger.Entries.Length);
        Assert.Equal((140_000L, 0L), (after.SpentMicros, after.WithheldMicros));
    }

    [Fact]
    public async Task A_thousand_reservations_write_state_only_when_the_lease_grows()
    {
        const int Calls = 1000;
        CountingGrainStorage? storage = null;
        var workspace = NewWorkspace();
        // One silo: each silo wraps its own store, and the counts to read are those of the silo running the grain.
        await using var silo = await StartAsync(await StoreAsync(), watch: services => services.Decorate<IGrainStateStore>(inner => storage = new CountingGrainStorage(inner)), silos: 1);
        var budget = Budget(silo, workspace);
        await budget.SetCapAsync(10_000_000, "user:owner");
        var before = storage!.Writes(workspace, "budget");

        for (var i = 0; i < Calls; i++)
        {
            var reserved = await budget.ReserveAsync(new ReservationRequest(1_000, "proxy.chat_completion"));
            Assert.True(reserved.Granted, reserved.Refusal);
            await budget.SettleDeferredAsync(reserved.ReservationId!, 1_000);
        }

        var writes = storage.Writes(workspace, "budget") - before;

        // Each growth makes room for at least 32 reservations of this size, so 1,000 need at most 32 growths.
        Assert.InRange(writes, 1, Calls / BudgetGrain.LeaseSliceReservations);
        Assert.Equal(1_000_000, (await budget.GetStatusAsync()).SpentMicros);
    }

    [Fact]
    public async Task After_a_crash_the_next_activation_withholds_what_the_lease_covered_so_remaining_never_exceeds_what_the_old_one_left()
    {
        const long Cap = 100_000;
        var store = await StoreAsync();
        var workspace = NewWorkspace();
        var (crashed, gate) = await StartGatedAsync(store);
        BudgetStatus old;
        BudgetStatus recovered;
        ReservationResult rest;
        ReservationResult beyond;
        ImmutableArray<AuditEntry> audits;
        try
        {
            var budget = Budget(crashed, workspace);
            await budget.SetCapAsync(Cap, "user:owner");

            // More than one lease's worth reaches the ledger first, so the lease has had to grow since it was first written.
            for (var i = 0; i < 40; i++)
            {
                await SpendAsync(budget, 1_000);
            }

            // Then the process dies with three deferred settles not yet in the ledger and two calls still in flight.
            gate.Hold();
            var inFlight = new List<string>();
            for (var i = 0; i < 5; i++)
            {
                inFlight.Add((await budget.ReserveAsync(new ReservationRequest(1_000, "proxy.chat_completion"))).ReservationId!);
            }

            foreach (var id in inFlight.Take(3))
            {
                await budget.SettleDeferredAsync(id, 700).WaitAsync(Patience, Ct);
            }

            old = await budget.GetStatusAsync();

            // A restarted process (or a second machine) activates the budget while the old activation never closed its lease.
            await using var fresh = await StartAsync(store);
            recovered = await Budget(fresh, workspace).GetStatusAsync();
            rest = await Budget(fresh, workspace).ReserveAsync(new ReservationRequest(recovered.RemainingMicros, "proxy.chat_completion"));
            beyond = await Budget(fresh, workspace).ReserveAsync(new ReservationRequest(1, "proxy.chat_completion"));
            audits = await LeaseAuditsAsync(fresh, workspace);
        }
        finally
        {
            gate.Fail(LedgerGate.Crash());
            await crashed.DisposeAsync();
        }

        await using var later = await StartAsync(store);
        var afterwards = await Budget(later, workspace).GetStatusAsync();

        Assert.Equal((42_100L, 2_000L), (old.SpentMicros, old.ReservedMicros));
        Assert.Equal(40_000, recovered.SpentMicros);
        Assert.True(recovered.SpentMicros + recovered.WithheldMicros >= old.SpentMicros + old.ReservedMicros, $"withheld {recovered.WithheldMicros} does not cover what the old activation spent or reserved");
        Assert.InRange(recovered.RemainingMicros, 0, Cap - old.SpentMicros - old.ReservedMicros);
        Assert.True(rest.Granted, rest.Refusal);
        Assert.False(beyond.Granted);
        var audit = Assert.Single(audits);
        Assert.Equal("system", audit.Actor);
        Assert.Equal(Micros(recovered.WithheldMicros), audit.Details["withheld_micros"]);
        Assert.Equal(recovered.WithheldMicros, long.Parse(audit.Details["lease_micros"], CultureInfo.InvariantCulture) - long.Parse(audit.Details["written_micros"], CultureInfo.InvariantCulture));
        Assert.Contains(Micros(recovered.WithheldMicros), audit.Summary, StringComparison.Ordinal);
        Assert.Equal((recovered.WithheldMicros, 40_000L), (afterwards.WithheldMicros, afterwards.SpentMicros));
        Assert.Single(await LeaseAuditsAsync(later, workspace));
    }

    [Fact]
    public async Task A_clean_deactivation_closes_the_lease_and_the_next_activation_withholds_nothing()
    {
        var store = await StoreAsync();
        var workspace = NewWorkspace();
        await using (var first = await StartAsync(store))
        {
            var budget = Budget(first, workspace);
            await budget.SetCapAsync(100_000, "user:owner");
            for (var i = 0; i < 10; i++)
            {
                var reserved = await budget.ReserveAsync(new ReservationRequest(1_000, "proxy.chat_completion"));
                await budget.SettleDeferredAsync(reserved.ReservationId!, 600);
            }
        }

        await using var second = await StartAsync(store);
        var status = await Budget(second, workspace).GetStatusAsync();

        Assert.Equal((6_000L, 0L, 0L, 94_000L), (status.SpentMicros, status.ReservedMicros, status.WithheldMicros, status.RemainingMicros));
        Assert.Empty(await LeaseAuditsAsync(second, workspace));
        Assert.Equal(10, (await Budget(second, workspace).GetLedgerAsync(0, 100)).Entries.Length);
    }

    [Fact]
    public async Task A_durable_settle_returns_only_once_its_ledger_entry_is_written()
    {
        var workspace = NewWorkspace();
        var (silo, gate) = await StartGatedAsync(await StoreAsync());
        await using (silo)
        {
            var budget = Budget(silo, workspace);
            await budget.SetCapAsync(10_000, "user:owner");
            var reserved = await budget.ReserveAsync(new ReservationRequest(500, "run.model_call", "run-1"));

            gate.Hold();
            var settle = budget.SettleAsync(reserved.ReservationId!, 400);
            await gate.Held.WaitAsync(Patience, Ct);
            var returnedEarly = settle.IsCompleted;
            gate.Release();
            var settled = await settle;
            var stored = await silo.Services.GetRequiredService<IJournalStorage>().ReadAsync($"ledger/{workspace}", 0, 10, Ct);

            Assert.False(returnedEarly);
            Assert.Equal(400, settled.SpentMicros);
            var entry = LedgerEntryCodec.Decode(Assert.Single(stored).Sequence, stored[0].Payload);
            Assert.Equal((reserved.ReservationId, 400L, "run-1"), (entry.ReservationId, entry.AmountMicros, entry.RunId));
        }
    }

    [Fact]
    public async Task A_failed_ledger_write_fails_the_durable_settle_and_the_next_activation_withholds_the_lease_instead_of_trusting_memory()
    {
        const long Cap = 100_000;
        var workspace = NewWorkspace();
        var probe = new SuspendedCallProbe();
        var (silo, gate) = await StartGatedAsync(await StoreAsync(), probe);
        await using (silo)
        {
            var budget = Budget(silo, workspace);
            await budget.SetCapAsync(Cap, "user:owner");
            var deferred = await budget.ReserveAsync(new ReservationRequest(1_000, "proxy.chat_completion"));
            var durable = await budget.ReserveAsync(new ReservationRequest(1_000, "run.model_call"));

            gate.Hold();
            await budget.SettleDeferredAsync(deferred.ReservationId!, 800).WaitAsync(Patience, Ct);
            await gate.Held.WaitAsync(Patience, Ct);
            var settle = budget.SettleAsync(durable.ReservationId!, 500);

            // The settle crosses the client: fail the batch only once the grain holds it, waiting for the held write.
            // Storage stays away past the ledger's patience (its retries run on the test clock).
            await probe.Suspended(nameof(IBudgetGrain.SettleAsync)).WaitAsync(Patience, Ct);
            gate.Fail(new StorageUnavailableException("disk gone"));
            await Assert.ThrowsAsync<StorageUnavailableException>(() => ReminderTicks.AdvanceUntilAsync(silo.Time, settle, TimeSpan.FromSeconds(5)));

            // The failed activation is gone: the next call meets one that replayed the (empty) ledger.
            var status = await budget.GetStatusAsync();

            Assert.Equal(0, status.SpentMicros);
            Assert.InRange(status.RemainingMicros, 0, Cap - 800 - 500);
            Assert.Single(await LeaseAuditsAsync(silo, workspace));
            await Assert.ThrowsAsync<ArgumentException>(() => budget.SettleAsync(durable.ReservationId!, 500));
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Settles_whose_ledger_write_meets_storage_away_for_a_moment_are_written_once_on_retry_and_nothing_is_withheld(bool firstWriteLanded)
    {
        const long Cap = 100_000;
        var workspace = NewWorkspace();
        var (silo, gate) = await StartGatedAsync(await StoreAsync());
        await using (silo)
        {
            var budget = Budget(silo, workspace);
            await budget.SetCapAsync(Cap, "user:owner");
            var deferred = await budget.ReserveAsync(new ReservationRequest(1_000, "proxy.chat_completion"));
            var durable = await budget.ReserveAsync(new ReservationRequest(1_000, "run.model_call"));

            // Three tries fail as a restarting database does; with firstWriteLanded the first of them was stored and
            // only its answer lost, so the retry meets its own entries and must not write them a second time.
            gate.FailNext(3, new StorageUnavailableException("connection refused"), storeFirst: firstWriteLanded);
            await budget.SettleDeferredAsync(deferred.ReservationId!, 800);
            var settled = await ReminderTicks.AdvanceUntilAsync(silo.Time, budget.SettleAsync(durable.ReservationId!, 500), TimeSpan.FromSeconds(1));
            var status = await budget.GetStatusAsync();
            var ledger = await budget.GetLedgerAsync(0, 100);

            Assert.Equal(1_300, settled.SpentMicros);
            Assert.Equal((1_300L, 0L), (status.SpentMicros, status.WithheldMicros));
            Assert.Equal([800L, 500L], ledger.Entries.Select(static e => e.AmountMicros));
            Assert.Equal([1L, 2L], ledger.Entries.Select(static e => e.Sequence));
            Assert.Empty(await LeaseAuditsAsync(silo, workspace));
        }
    }

    [Fact]
    public async Task A_deferred_settle_carrying_an_audit_entry_settles_and_appends_the_entry_in_the_one_call()
    {
        await using var silo = await StartAsync();
        var workspace = NewWorkspace();
        var budget = Budget(silo, workspace);
        await budget.SetCapAsync(100_000, "user:owner");
        var reserved = await budget.ReserveAsync(new ReservationRequest(1_000, "proxy.chat_completion"));

        await budget.SettleDeferredAsync(reserved.ReservationId!, 700, AuditRecord.Create("model.call", "user:alice", "One proxied call", ("cost_micros", "700")));

        var status = await budget.GetStatusAsync();
        Assert.Equal((700L, 0L), (status.SpentMicros, status.ReservedMicros));
        var calls = (await silo.Grains.GetGrain<IAuditLogGrain>(workspace).ReadAsync(0, 100, "model.call")).Entries;
        Assert.Equal("700", Assert.Single(calls).Details["cost_micros"]);
    }

    [Fact]
    public async Task A_deferred_settle_of_an_unknown_reservation_is_refused_but_still_appends_its_audit_entry_and_spends_nothing()
    {
        await using var silo = await StartAsync();
        var workspace = NewWorkspace();
        var budget = Budget(silo, workspace);
        await budget.SetCapAsync(100_000, "user:owner");

        await Assert.ThrowsAsync<ArgumentException>(() => budget.SettleDeferredAsync("res-unknown", 700, AuditRecord.Create("model.call", "user:alice", "A call whose reservation is gone")));

        Assert.Equal(0L, (await budget.GetStatusAsync()).SpentMicros);
        Assert.Single((await silo.Grains.GetGrain<IAuditLogGrain>(workspace).ReadAsync(0, 100, "model.call")).Entries);
    }

    private async Task<PlatformTestCluster> StartAsync() => await StartAsync(await StoreAsync());

    private static Task<PlatformTestCluster> StartAsync(Action<IServiceCollection> store, FakeTimeProvider? time = null, Action<IServiceCollection>? watch = null, short silos = 2) =>
        GrainsCluster.StartAsync(
            services =>
            {
                store(services);
                watch?.Invoke(services);
                services.AddBudget();
            },
            time: time ?? TestClock.Create(January),
            silos: silos);

    private static async Task<(PlatformTestCluster Silo, LedgerGate Gate)> StartGatedAsync(Action<IServiceCollection> store, SuspendedCallProbe? probe = null)
    {
        // One silo: the gate wraps that silo's journal, which every budget and audit grain of the test then uses.
        LedgerGate? gate = null;
        var silo = await StartAsync(
            store,
            watch: services =>
            {
                services.Decorate<IJournalStorage>(journal => gate = new LedgerGate(journal));
                if (probe is not null)
                {
                    services.AddSingleton<IIncomingGrainCallFilter>(probe);
                }
            },
            silos: 1);

        // The silo resolves its journal at start-up (the audit log and budget grains get it injected on activation).
        _ = silo.Services.GetRequiredService<IJournalStorage>();
        return (silo, gate!);
    }

    private static IBudgetGrain Budget(PlatformTestCluster silo, string workspace) => silo.Grains.GetGrain<IBudgetGrain>(workspace);

    private static async Task SpendAsync(IBudgetGrain budget, long micros, string? runId = null)
    {
        var reserved = await budget.ReserveAsync(new ReservationRequest(micros, "run.model_call", runId));
        Assert.True(reserved.Granted, reserved.Refusal);
        await budget.SettleAsync(reserved.ReservationId!, micros);
    }

    private static async Task<ImmutableArray<AuditEntry>> LeaseAuditsAsync(PlatformTestCluster silo, string workspace) =>
        (await silo.Grains.GetGrain<IAuditLogGrain>(workspace).ReadAsync(0, 1000, "budget.lease_withheld")).Entries;

    private static async Task<ImmutableArray<int>> ThresholdAuditsAsync(PlatformTestCluster silo, string workspace) =>
        (await silo.Grains.GetGrain<IAuditLogGrain>(workspace).ReadAsync(0, 1000, "budget.threshold")).Entries
            .Select(static e => int.Parse(e.Details["percent"], CultureInfo.InvariantCulture))
            .ToImmutableArray();

    private static string Micros(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Reserves and settles <paramref name="micros"/> for a call by <paramref name="keyId"/> to <paramref name="model"/>.</summary>
    private static async Task SettleAsync(IBudgetGrain budget, long micros, string? keyId = null, string? model = null, string? runId = null, bool deferred = false)
    {
        var reserved = await budget.ReserveAsync(new ReservationRequest(micros, runId is null ? "proxy.chat_completion" : "run.model_call", runId, KeyId: keyId, Model: model));
        Assert.True(reserved.Granted, reserved.Refusal);
        await (deferred ? budget.SettleDeferredAsync(reserved.ReservationId!, micros) : budget.SettleAsync(reserved.ReservationId!, micros));
    }

    private static string NewWorkspace() => $"ws-{Guid.NewGuid():N}";
}
