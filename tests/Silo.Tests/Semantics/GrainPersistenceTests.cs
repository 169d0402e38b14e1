using System.Text;

using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

using Platform.Silo.Storage;
using Platform.Silo.Tests.Grains;
using Platform.Testing;

namespace Platform.Silo.Tests.Semantics;

/// <summary>
/// Grain state and reminders through Orleans and the project's grain storage, against a real store. Each test starts
/// its own clusters over one store, as a restarted process (or a second deployment sharing the store) would.
/// </summary>
public abstract class GrainPersistenceTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("silo-persistence-");

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>The settings that select the store under test; every cluster of one test reaches the same data.</summary>
    protected abstract Task<IDictionary<string, string?>> StoreAsync();

    [Fact]
    public async Task State_written_by_one_cluster_is_read_by_the_next()
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
    public async Task Two_deployments_racing_on_one_grain_conflict_and_the_conflicted_activation_reloads()
    {
        // Two clusters over one store have an activation each: the ETag is all that keeps them from losing increments.
        var store = await StoreAsync();
        var key = TestGates.NewKey("race");
        await using var nodeA = await StartAsync(store, silos: 1);
        await using var nodeB = await StartAsync(store, silos: 1);
        var onA = nodeA.Grains.GetGrain<ICounterGrain>(key);
        var onB = nodeB.Grains.GetGrain<ICounterGrain>(key);
        Assert.Equal(0, await onB.GetAsync());

        Assert.Equal(1, await onA.IncrementAsync());
        var conflict = await Assert.ThrowsAnyAsync<InconsistentStateException>(onB.IncrementAsync);

        Assert.Contains("'counter'", conflict.Message, StringComparison.Ordinal);
        Assert.Equal(1, await onB.GetAsync());
        Assert.Equal(2, await onB.IncrementAsync());
    }

    [Fact]
    public async Task Cleared_state_reads_back_fresh_and_can_be_written_again()
    {
        var store = await StoreAsync();
        await using var cluster = await StartAsync(store);
        var grain = cluster.Grains.GetGrain<ICounterGrain>(TestGates.NewKey("clear"));
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
        await using var cluster = await StartAsync(store);
        var states = cluster.Services.GetRequiredService<IGrainStateStore>();
        var grainId = GrainId.Create(CounterGrain.GrainTypeName, key);
        var garbage = Encoding.UTF8.GetBytes("{\"value\": \"not a number\"");
        var etag = await states.WriteAsync(grainId, "counter", garbage, null, Ct);
        var grain = cluster.Grains.GetGrain<ICounterGrain>(key);

        var first = await Assert.ThrowsAsync<GrainStateCorruptException>(grain.IncrementAsync);
        var second = await Assert.ThrowsAsync<GrainStateCorruptException>(grain.GetAsync);

        Assert.Contains($"{CounterGrain.GrainTypeName}/{key}", first.Message, StringComparison.Ordinal);
        Assert.Contains("'counter'", first.Message, StringComparison.Ordinal);
        Assert.Equal("counter", second.StateName);
        var stored = await states.ReadAsync(grainId, "counter", Ct);
        Assert.Equal(etag, stored!.Etag);
        Assert.Equal(garbage, stored.Payload);
    }

    [Fact]
    public async Task Periodic_reminder_fires_each_period_until_unregistered()
    {
        var store = await StoreAsync();
        var key = TestGates.NewKey("tick");
        await using var cluster = await StartAsync(store);
        var grain = cluster.Grains.GetGrain<IWakeUpGrain>(key);
        await grain.ScheduleAsync("tick", TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));

        for (var expected = 1; expected <= 3; expected++)
        {
            await Eventually.WaitForAsync(() => TestGates.Events(key).Count >= expected, $"tick {expected}", step: () => cluster.Time.Advance(TimeSpan.FromSeconds(5)));
        }

        Assert.True(await grain.CancelAsync("tick"));
        var ticks = TestGates.Events(key).Count;
        cluster.Time.Advance(TimeSpan.FromMinutes(5));

        // A bounded real-time wait for a tick that must not come.
        await Task.Delay(TimeSpan.FromMilliseconds(500), Ct);
        Assert.Equal(ticks, TestGates.Events(key).Count);
        Assert.False(await grain.CancelAsync("tick"));
    }

    [Fact]
    public async Task Reminder_with_a_period_below_the_minimum_is_refused()
    {
        var store = await StoreAsync();
        await using var cluster = await StartAsync(store);
        var grain = cluster.Grains.GetGrain<IWakeUpGrain>(TestGates.NewKey("fast"));

        var refusal = await Assert.ThrowsAnyAsync<ArgumentException>(() => grain.ScheduleAsync("spin", TimeSpan.Zero, TimeSpan.FromMilliseconds(1)));

        Assert.Contains("period", refusal.Message, StringComparison.OrdinalIgnoreCase);
    }

    protected Task<PlatformTestCluster> StartAsync(IDictionary<string, string?> store, short silos = 2) =>
        SemanticsCluster.StartAsync(_directory.FullName, silos: silos, settings: store);
}
