using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Platform.Silo.Reminders;
using Platform.Silo.Storage;
using Platform.Silo.Tests.Grains;
using Platform.Testing;

namespace Platform.Silo.Tests.Runtime;

/// <summary>
/// Grain state and reminders through the runtime, against a real store. Each test starts its own silos over one
/// store, as two machines (or a restarted process) would share it.
/// </summary>
public abstract class PersistenceTests
{
    /// <summary>Registers the store under test; every call within one test reaches the same data.</summary>
    protected abstract Task<Action<IServiceCollection>> StoreAsync();

    [Fact]
    public async Task State_written_by_one_activation_is_read_by_the_next()
    {
        var store = await StoreAsync();
        var key = TestGates.NewKey("counter");
        await using (var first = await StartAsync(store))
        {
            var grain = first.Grains.GetGrain<ICounterGrain>(key);
            Assert.False(await grain.RecordExistsAsync());
            await grain.IncrementAsync();
            Assert.Equal(2, await grain.IncrementAsync());
        }

        await using var second = await StartAsync(store);
        var again = second.Grains.GetGrain<ICounterGrain>(key);
        Assert.Equal(2, await again.GetAsync());
        Assert.True(await again.RecordExistsAsync());
    }

    [Fact]
    public async Task Stale_write_fails_with_an_etag_conflict_and_the_next_call_reloads()
    {
        var store = await StoreAsync();
        var key = TestGates.NewKey("race");
        await using var nodeA = await StartAsync(store);
        await using var nodeB = await StartAsync(store);
        var onA = nodeA.Grains.GetGrain<ICounterGrain>(key);
        var onB = nodeB.Grains.GetGrain<ICounterGrain>(key);
        Assert.Equal(0, await onB.GetAsync());

        Assert.Equal(1, await onA.IncrementAsync());
        var conflict = await Assert.ThrowsAsync<InconsistentStateException>(onB.IncrementAsync);

        Assert.Equal("counter", conflict.StateName);
        Assert.Equal(1, await onB.GetAsync());
        Assert.Equal(2, await onB.IncrementAsync());
    }

    [Fact]
    public async Task Cleared_state_reads_back_fresh_and_can_be_written_again()
    {
        var store = await StoreAsync();
        await using var silo = await StartAsync(store);
        var grain = silo.Grains.GetGrain<ICounterGrain>(TestGates.NewKey("clear"));
        await grain.IncrementAsync();

        await grain.ClearAsync();

        Assert.Equal(0, await grain.GetAsync());
        Assert.False(await grain.RecordExistsAsync());
        Assert.Equal(1, await grain.IncrementAsync());
    }

    [Fact]
    public async Task Large_state_round_trips_through_a_grain()
    {
        var store = await StoreAsync();
        var key = TestGates.NewKey("large");
        var note = string.Concat(Enumerable.Repeat("0123456789abcdef", 256 * 1024));
        await using (var first = await StartAsync(store))
        {
            await first.Grains.GetGrain<ICounterGrain>(key).SetNoteAsync(note);
        }

        await using var second = await StartAsync(store);
        Assert.Equal(note, await second.Grains.GetGrain<ICounterGrain>(key).GetNoteAsync());
    }

    [Fact]
    public async Task Corrupt_stored_state_fails_the_activation_naming_grain_and_state_and_is_not_overwritten()
    {
        var store = await StoreAsync();
        var key = TestGates.NewKey("corrupt");
        await using var silo = await StartAsync(store);
        var storage = silo.Services.GetRequiredService<IGrainStorage>();
        var grainId = new GrainId("counter", key);
        var garbage = Encoding.UTF8.GetBytes("{\"value\": \"not a number\"");
        var etag = await storage.WriteAsync(grainId, "counter", garbage, null, TestContext.Current.CancellationToken);
        var grain = silo.Grains.GetGrain<ICounterGrain>(key);

        var first = await Assert.ThrowsAsync<GrainStateCorruptException>(grain.IncrementAsync);
        var second = await Assert.ThrowsAsync<GrainStateCorruptException>(grain.GetAsync);

        Assert.Contains($"counter/{key}", first.Message, StringComparison.Ordinal);
        Assert.Contains("'counter'", first.Message, StringComparison.Ordinal);
        Assert.Equal("counter", second.StateName);
        var stored = await storage.ReadAsync(grainId, "counter", TestContext.Current.CancellationToken);
        Assert.Equal(etag, stored!.Etag);
        Assert.Equal(garbage, stored.Payload);
    }

    [Fact]
    public async Task One_shot_reminder_fires_after_a_restart_and_is_then_removed()
    {
        var store = await StoreAsync();
        var key = TestGates.NewKey("wake");
        var time = new ManualTimeProvider();
        await using (var before = await StartAsync(store, time))
        {
            await before.Grains.GetGrain<IWakeUpGrain>(key).ScheduleAsync("resume", TimeSpan.FromMinutes(5), Timeout.InfiniteTimeSpan);
            time.Advance(TimeSpan.FromMinutes(4));
        }

        Assert.Empty(TestGates.Events(key));
        await using var after = await StartAsync(store, time);
        time.Advance(TimeSpan.FromMinutes(2));
        await WaitForAsync(() => TestGates.Events(key).Contains("woke:resume"), "the reminder to fire in the restarted silo");

        var table = after.Services.GetRequiredService<IReminderTable>();
        await WaitForAsync(
            async () => !(await table.ReadAllAsync(TestContext.Current.CancellationToken)).Any(r => r.GrainId.Key == key),
            "the delivered one-shot reminder to leave storage");
        time.Advance(TimeSpan.FromMinutes(10));
        Assert.Single(TestGates.Events(key));
    }

    [Fact]
    public async Task Periodic_reminder_fires_each_period_until_unregistered()
    {
        var store = await StoreAsync();
        var key = TestGates.NewKey("tick");
        await using var silo = await StartAsync(store);
        var grain = silo.Grains.GetGrain<IWakeUpGrain>(key);
        await grain.ScheduleAsync("tick", TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));

        for (var expected = 1; expected <= 3; expected++)
        {
            silo.Time.Advance(TimeSpan.FromMinutes(1));
            await WaitForAsync(() => TestGates.Events(key).Count == expected, $"tick {expected}");
        }

        Assert.True(await grain.CancelAsync("tick"));
        silo.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(3, TestGates.Events(key).Count);
    }

    [Fact]
    public async Task Reminder_with_a_period_below_the_minimum_is_refused()
    {
        var store = await StoreAsync();
        await using var silo = await StartAsync(store);
        var grain = silo.Grains.GetGrain<IWakeUpGrain>(TestGates.NewKey("fast"));

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => grain.ScheduleAsync("spin", TimeSpan.Zero, TimeSpan.FromMilliseconds(1)));
    }

    protected static Task<SiloTestHost> StartAsync(Action<IServiceCollection> store, ManualTimeProvider? time = null) =>
        SiloTestHost.StartAsync(typeof(PersistenceTests).Assembly, store, time: time);

    protected static Task WaitForAsync(Func<bool> condition, string what) => Eventually.WaitForAsync(condition, what, seconds: 15);

    protected static Task WaitForAsync(Func<Task<bool>> condition, string what) => Eventually.WaitForAsync(condition, what, seconds: 15);
}
