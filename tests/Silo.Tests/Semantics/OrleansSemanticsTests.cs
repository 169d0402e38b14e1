using System.Text.Json;

using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

using Platform.Silo.Storage;
using Platform.Silo.Tests.Grains;
using Platform.Testing;

namespace Platform.Silo.Tests.Semantics;

/// <summary>
/// The Orleans behaviour the product relies on, through the cluster client of a real two-silo cluster with the
/// platform's runtime configuration and SQLite storage: call-chain reentrancy, activations dropped when their memory
/// can no longer be trusted, reminders that survive a restart, and a graceful stop that lets a turn finish.
/// </summary>
public sealed class OrleansSemanticsTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("silo-semantics-");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }

    [Fact]
    public async Task A_call_chain_from_a_grain_back_into_itself_completes()
    {
        await using var cluster = await SemanticsCluster.StartAsync(_directory.FullName);
        var a = cluster.Grains.GetGrain<IChainGrain>("a");
        var b = cluster.Grains.GetGrain<IChainGrain>("b");

        // Without CallChainReentrancyFilter this waits for the response timeout (30 s) and fails.
        var path = await a.StartAsync(b).WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.Equal("a>b>a!", path);
    }

    [Fact]
    public async Task A_call_from_the_client_does_not_enter_a_grain_while_another_client_call_holds_its_turn()
    {
        await using var cluster = await SemanticsCluster.StartAsync(_directory.FullName);
        var key = TestGates.NewKey("turn");
        var grain = cluster.Grains.GetGrain<IChainGrain>(key);
        var held = grain.HoldAsync();
        await Eventually.WaitForAsync(() => TestGates.Events(key).Contains("holding"), "the first call to start its turn");

        var second = grain.EchoAsync();

        // A bounded real-time wait for something that must not happen: the second call stays queued behind the turn.
        await Task.Delay(TimeSpan.FromMilliseconds(500), Ct);
        Assert.False(second.IsCompleted, "a second client call entered the grain while the first one held its turn");
        TestGates.Gate(key).SetResult();
        Assert.Equal("released", await held.WaitAsync(TimeSpan.FromSeconds(10), Ct));
        Assert.Equal($"{key}!", await second.WaitAsync(TimeSpan.FromSeconds(10), Ct));
    }

    [Fact]
    public async Task An_etag_conflict_reaches_the_caller_and_drops_the_activation_so_the_next_call_reloads()
    {
        await using var cluster = await SemanticsCluster.StartAsync(_directory.FullName);
        var key = TestGates.NewKey("conflict");
        var grain = cluster.Grains.GetGrain<ICounterGrain>(key);
        Assert.Equal(1, await grain.IncrementAsync());
        var before = await grain.ActivationIdAsync();

        // Another writer (a second activation during a membership change, an operator) gets in between.
        var store = cluster.Services.GetRequiredService<IGrainStateStore>();
        var grainId = GrainId.Create(CounterGrain.GrainTypeName, key);
        var stored = await store.ReadAsync(grainId, "counter", Ct);
        await store.WriteAsync(grainId, "counter", Json(new CounterState { Value = 41 }), stored!.Etag, Ct);

        await Assert.ThrowsAsync<InconsistentStateException>(grain.IncrementAsync);

        Assert.Equal(41, await grain.GetAsync());
        Assert.NotEqual(before, await grain.ActivationIdAsync());
        Assert.Equal(42, await grain.IncrementAsync());
    }

    [Fact]
    public async Task A_storage_failure_reaches_the_caller_as_such_and_drops_the_activation_so_the_next_call_reloads()
    {
        var faults = new StoreFaults();
        await using var cluster = await SemanticsCluster.StartAsync(_directory.FullName, faults: faults);
        var key = TestGates.NewKey("outage");
        var grain = cluster.Grains.GetGrain<ICounterGrain>(key);
        Assert.Equal(1, await grain.IncrementAsync());
        var before = await grain.ActivationIdAsync();

        faults.FailNextWrites(1);
        var failure = await Assert.ThrowsAsync<StorageUnavailableException>(grain.IncrementAsync);

        // The failed increment lived only in the dropped activation's memory; storage still says 1.
        Assert.Contains("unavailable", failure.Message, StringComparison.Ordinal);
        Assert.Equal(1, await grain.GetAsync());
        Assert.NotEqual(before, await grain.ActivationIdAsync());
        Assert.Equal(2, await grain.IncrementAsync());
    }

    [Fact]
    public async Task A_reminder_registered_before_a_stop_fires_after_a_new_cluster_starts_and_then_every_period()
    {
        var key = TestGates.NewKey("resume");
        var period = TimeSpan.FromMinutes(5);
        var time = TestClock.Create();
        await using (var before = await SemanticsCluster.StartAsync(_directory.FullName, time, silos: 1))
        {
            await before.Grains.GetGrain<IWakeUpGrain>(key).ScheduleAsync("resume", period, period);
            time.Advance(TimeSpan.FromMinutes(4));
            await before.StopAsync();
        }

        Assert.Empty(TestGates.Events(key));
        await using var after = await SemanticsCluster.StartAsync(_directory.FullName, time, silos: 1);

        // The reminder service loads its table on its own schedule; the clock moves in small steps until it fires.
        await Eventually.WaitForAsync(() => TestGates.Events(key).Count >= 1, "the reminder to fire in the new cluster", step: () => time.Advance(TimeSpan.FromSeconds(5)));
        var first = Tick(TestGates.Events(key)[0]);
        await Eventually.WaitForAsync(() => TestGates.Events(key).Count >= 2, "the reminder's next period", step: () => time.Advance(TimeSpan.FromSeconds(5)));
        var second = Tick(TestGates.Events(key)[1]);

        Assert.Equal(period, first.Period);
        Assert.Equal(TestClock.DefaultStart + period, first.First);
        Assert.True(first.Current >= TestClock.DefaultStart + period, $"fired at {first.Current:O}, before it was due");
        Assert.InRange(second.Current - first.Current, period - TimeSpan.FromSeconds(5), period + TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_graceful_stop_lets_a_running_turn_finish_and_its_write_is_durable()
    {
        var key = TestGates.NewKey("stop");
        var cluster = await SemanticsCluster.StartAsync(_directory.FullName);
        try
        {
            var held = cluster.Grains.GetGrain<ICounterGrain>(key).IncrementAfterGateAsync();
            await Eventually.WaitForAsync(() => TestGates.Events(key).Contains("holding"), "the turn to start");

            var stopping = cluster.StopAsync();
            await Task.Delay(TimeSpan.FromMilliseconds(300), Ct);
            Assert.False(stopping.IsCompleted, "the cluster stopped while a turn was still running");
            TestGates.Gate(key).SetResult();
            await stopping.WaitAsync(TimeSpan.FromSeconds(60), Ct);

            // The turn runs to its end and writes before the activation deactivates. Its reply, though, does not reach a
            // client outside the silo: Orleans 10 answers it with SiloUnavailableException once the host is stopping
            // (the platform's old runtime returned the result). Either outcome is accepted; a lost write is not.
            var reply = await Record.ExceptionAsync(() => held.WaitAsync(TimeSpan.FromSeconds(10), Ct));
            Assert.True(reply is null or SiloUnavailableException, $"the held call failed with {reply}");
            if (reply is null)
            {
                Assert.Equal(1, await held);
            }

            Assert.Equal(["holding", "written", "deactivated:ShuttingDown"], TestGates.Events(key));
        }
        finally
        {
            await cluster.DisposeAsync();
        }

        await using var again = await SemanticsCluster.StartAsync(_directory.FullName, silos: 1);
        Assert.Equal(1, await again.Grains.GetGrain<ICounterGrain>(key).GetAsync());
    }

    [Fact]
    public async Task A_grains_own_exception_reaches_the_client_with_its_type_and_the_activation_stays_usable()
    {
        await using var cluster = await SemanticsCluster.StartAsync(_directory.FullName);
        var grain = cluster.Grains.GetGrain<IChainGrain>(TestGates.NewKey("fail"));

        var refused = await Assert.ThrowsAsync<ChainRefusedException>(() => grain.FailAsync("over budget"));

        Assert.Equal("over budget", refused.Message);
        Assert.EndsWith("!", await grain.EchoAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_call_that_outlives_the_configured_call_timeout_fails_with_timeout_naming_the_method()
    {
        await using var cluster = await SemanticsCluster.StartAsync(_directory.FullName, settings: new Dictionary<string, string?> { ["Silo:CallTimeout"] = "00:00:02" });
        var key = TestGates.NewKey("slow");

        var timeout = await Assert.ThrowsAsync<TimeoutException>(() => cluster.Grains.GetGrain<IChainGrain>(key).HoldAsync());

        Assert.Contains(nameof(IChainGrain.HoldAsync), timeout.Message, StringComparison.Ordinal);
        TestGates.Gate(key).SetResult();
    }

    [Fact]
    public async Task Invalid_silo_options_are_refused_at_start()
    {
        var exception = await Assert.ThrowsAnyAsync<Exception>(() => SemanticsCluster.StartAsync(_directory.FullName, silos: 1, settings: new Dictionary<string, string?> { ["Silo:CallTimeout"] = "00:00:00" }));

        Assert.Contains("CallTimeout", exception.ToString(), StringComparison.Ordinal);
    }

    private static byte[] Json(CounterState state) => JsonSerializer.SerializeToUtf8Bytes(state, GrainStateJson.Options);

    private static (DateTime First, DateTime Current, TimeSpan Period) Tick(string recorded)
    {
        // woke:name@first|current|period
        var parts = recorded[(recorded.IndexOf('@', StringComparison.Ordinal) + 1)..].Split('|');
        return (DateTime.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.RoundtripKind),
            DateTime.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.RoundtripKind),
            TimeSpan.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture));
    }
}
