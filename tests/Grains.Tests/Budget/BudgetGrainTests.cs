using System.Collections.Immutable;

using Microsoft.Extensions.DependencyInjection;

using Platform.Grains.Budget;
using Platform.Grains.Interfaces.Audit;
using Platform.Grains.Interfaces.Budget;
using Platform.Silo.Journal;
using Platform.Testing;

namespace Platform.Grains.Tests.Budget;

/// <summary>
/// The budget grain through the runtime against a real store. Restart tests start a second silo over the same store, as
/// a restarted process would; the crash test writes the ledger directly, as a process that died after its append would.
/// </summary>
public abstract class BudgetGrainTests
{
    private static readonly DateTimeOffset January = new(2026, 1, 10, 12, 0, 0, TimeSpan.Zero);

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
        var time = new ManualTimeProvider(January);
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

    private async Task<SiloTestHost> StartAsync() => await StartAsync(await StoreAsync());

    private static Task<SiloTestHost> StartAsync(Action<IServiceCollection> store, ManualTimeProvider? time = null) =>
        SiloTestHost.StartAsync(typeof(BudgetGrain).Assembly, services =>
        {
            store(services);
            services.AddBudget();
        }, time: time ?? new ManualTimeProvider(January));

    private static IBudgetGrain Budget(SiloTestHost silo, string workspace) => silo.Grains.GetGrain<IBudgetGrain>(workspace);

    private static async Task SpendAsync(IBudgetGrain budget, long micros, string? runId = null)
    {
        var reserved = await budget.ReserveAsync(new ReservationRequest(micros, "run.model_call", runId));
        Assert.True(reserved.Granted, reserved.Refusal);
        await budget.SettleAsync(reserved.ReservationId!, micros);
    }

    private static async Task<ImmutableArray<int>> ThresholdAuditsAsync(SiloTestHost silo, string workspace) =>
        (await silo.Grains.GetGrain<IAuditLogGrain>(workspace).ReadAsync(0, 1000, "budget.threshold")).Entries
            .Select(static e => int.Parse(e.Details["percent"], System.Globalization.CultureInfo.InvariantCulture))
            .ToImmutableArray();

    private static string NewWorkspace() => $"ws-{Guid.NewGuid():N}";
}
