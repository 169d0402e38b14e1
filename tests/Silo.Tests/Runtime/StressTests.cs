using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Platform.Silo.Runtime;
using Platform.Silo.Storage;
using Platform.Silo.Tests.Grains;
using Platform.Testing;

namespace Platform.Silo.Tests.Runtime;

/// <summary>
/// Many callers against the runtime's turn, lifecycle and timeout machinery at once. Each test owns its silo (they move
/// its clock or stop it); grain-side <see cref="StressStats"/> outlive activations, so a test sees two activations of one
/// grain alive together, two requests inside one turn, or a call that ran twice.
/// </summary>
public sealed class StressTests
{
    /// <summary>Nothing times out or is collected unless a test says so: the manual clock only moves when told.</summary>
    private static readonly Dictionary<string, string?> s_patient = new()
    {
        ["Silo:CallTimeout"] = "1.00:00:00",
        ["Silo:DeactivationTimeout"] = "01:00:00",
        ["Silo:ShutdownTimeout"] = "01:00:00",
    };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Calls_to_a_grain_that_keeps_deactivating_itself_each_run_once_in_one_activation_at_a_time()
    {
        await using var silo = await SiloTestHost.StartAsync(typeof(StressTests).Assembly, settings: s_patient);
        var key = TestGates.NewKey("hammer");
        var shared = silo.Grains.GetGrain<IStressHammerGrain>(key);
        const int callers = 8;
        const int batches = 10;
        const int batch = 6;

        // Half the callers share one reference (and its cached activation), half make their own; each fires a batch
        // without awaiting, so calls queue behind a turn that asks to deactivate and must be forwarded, not dropped.
        var work = Enumerable.Range(0, callers).Select(c => Task.Run(async () =>
        {
            var grain = c % 2 == 0 ? shared : silo.Grains.GetGrain<IStressHammerGrain>(key);
            for (var b = 0; b < batches; b++)
            {
                var calls = Enumerable.Range(0, batch).Select(i => grain.HitAsync(CallId(c, (b * batch) + i), leaveEvery: 7)).ToArray();
                await Task.WhenAll(calls);
            }
        }));
        await WithinAsync(Task.WhenAll(work), 20, "every caller's calls to complete");

        var stats = StressStats.For(key);
        AssertEachRanOnce(stats, callers * batches * batch);
        Assert.Equal(1, stats.MaxInside);
        Assert.Equal(1, stats.MaxLive);
        Assert.True(stats.Activations > 5, $"expected the grain to be deactivated many times, saw {stats.Activations} activations");
    }

    [Fact]
    public async Task Calls_racing_idle_collection_each_run_once_and_every_activation_is_collected_in_the_end()
    {
        var settings = new Dictionary<string, string?>(s_patient)
        {
            ["Silo:CollectionAge"] = "00:00:01",
            ["Silo:CollectionQuantum"] = "00:00:00.100",
        };
        await using var silo = await SiloTestHost.StartAsync(typeof(StressTests).Assembly, settings: settings);
        var keys = Enumerable.Range(0, 4).Select(_ => TestGates.NewKey("idle")).ToArray();
        const int callersPerKey = 2;
        const int perCaller = 40;

        using var done = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var clock = Task.Run(async () =>
        {
            // Every step ages every activation past the collection age, so each gap between calls is a collection.
            while (!done.IsCancellationRequested)
            {
                silo.Time.Advance(TimeSpan.FromMilliseconds(1500));
                await Task.Delay(1, CancellationToken.None);
            }
        }, CancellationToken.None);
        var work = keys.SelectMany((key, k) => Enumerable.Range(0, callersPerKey).Select(c => Task.Run(async () =>
        {
            var grain = silo.Grains.GetGrain<IStressHammerGrain>(key);
            for (var i = 0; i < perCaller; i++)
            {
                await grain.HitAsync(CallId((k * callersPerKey) + c, i), leaveEvery: 0);
                if (i % 3 == 0)
                {
                    await Task.Delay(1, CancellationToken.None);
                }
            }
        }))).ToArray();
        try
        {
            await WithinAsync(Task.WhenAll(work), 20, "every caller's calls to complete while the clock runs");
        }
        finally
        {
            await done.CancelAsync();
            await clock;
        }

        foreach (var key in keys)
        {
            var stats = StressStats.For(key);
            AssertEachRanOnce(stats, callersPerKey * perCaller);
            Assert.Equal(1, stats.MaxInside);
            Assert.Equal(1, stats.MaxLive);
        }

        await WaitForAsync(
            () =>
            {
                silo.Time.Advance(TimeSpan.FromSeconds(2));
                return keys.All(k => StressStats.For(k).Deactivations == StressStats.For(k).Activations);
            },
            "every activation to be collected once the callers stopped");
        Assert.Equal(0, silo.Services.GetRequiredService<SiloRuntime>().Catalog.Count);
    }

    [Fact]
    public async Task Many_call_chains_returning_to_their_origins_complete_without_overlapping_turns()
    {
        await using var silo = await SiloTestHost.StartAsync(typeof(StressTests).Assembly, settings: s_patient);
        var hubKey = TestGates.NewKey("hub");
        var hub = silo.Grains.GetGrain<IStressChainGrain>(hubKey);
        var origins = Enumerable.Range(0, 6).Select(_ => TestGates.NewKey("origin")).ToArray();
        const int perOrigin = 5;

        var chains = origins.SelectMany(origin => Enumerable.Range(0, perOrigin).Select(tag => Task.Run(async () =>
        {
            var path = await silo.Grains.GetGrain<IStressChainGrain>(origin).StartAsync(hub, tag);
            return (Expected: $"{origin}>{hubKey}>{origin}!{tag}", Path: path);
        }))).ToArray();
        await WithinAsync(Task.WhenAll(chains), 15, "every A→hub→A chain to complete");

        foreach (var chain in chains)
        {
            var (expected, path) = await chain;
            Assert.Equal(expected, path);
        }

        Assert.Equal(1, StressStats.For($"{hubKey}/bounce").MaxInside);
        Assert.All(origins, origin => Assert.Equal(1, StressStats.For($"{origin}/start").MaxInside));
    }

    [Fact]
    public async Task Interleaved_reads_see_a_count_that_only_grows_while_writes_keep_their_turns()
    {
        await using var silo = await SiloTestHost.StartAsync(typeof(StressTests).Assembly, settings: s_patient);
        var key = TestGates.NewKey("ledger");
        const int writers = 4;
        const int perWriter = 50;
        using var writing = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var writes = Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            var grain = silo.Grains.GetGrain<IStressHammerGrain>(key);
            for (var i = 0; i < perWriter; i++)
            {
                await grain.HitAsync(CallId(w, i), leaveEvery: 0);
            }
        })).ToArray();
        var reads = Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            var grain = silo.Grains.GetGrain<IStressHammerGrain>(key);
            var last = 0;
            var count = 0;
            while (!writing.IsCancellationRequested)
            {
                var seen = await grain.PeekAsync();
                Assert.True(seen >= last, $"an interleaved read went back from {last} to {seen}");
                last = seen;
                count++;
            }

            return count;
        })).ToArray();
        try
        {
            await WithinAsync(Task.WhenAll(writes), 15, "every write to complete");
        }
        finally
        {
            await writing.CancelAsync();
        }

        await WithinAsync(Task.WhenAll(reads), 5, "the readers to stop");
        Assert.Equal(writers * perWriter, await silo.Grains.GetGrain<IStressHammerGrain>(key).PeekAsync());
        Assert.Equal(1, StressStats.For(key).MaxInside);
        AssertEachRanOnce(StressStats.For(key), writers * perWriter);
    }

    [Fact]
    public async Task Calls_whose_timeout_races_their_completion_end_exactly_one_way_and_leave_nothing_registered()
    {
        var settings = new Dictionary<string, string?>(s_patient) { ["Silo:CallTimeout"] = "00:00:01" };
        await using var silo = await SiloTestHost.StartAsync(typeof(StressTests).Assembly, settings: settings);
        var keys = Enumerable.Range(0, 40).Select(_ => TestGates.NewKey("race")).ToArray();
        var calls = keys.Select(k => silo.Grains.GetGrain<IFaultGrain>(k).WaitForGateAsync()).ToArray();

        var clock = Task.Run(() =>
        {
            for (var step = 0; step < 15; step++)
            {
                silo.Time.Advance(TimeSpan.FromMilliseconds(100));
                Thread.Yield();
            }
        }, Ct);
        var opener = Task.Run(() =>
        {
            foreach (var key in keys)
            {
                TestGates.Gate(key).SetResult();
                Thread.Yield();
            }
        }, Ct);
        await WithinAsync(Task.WhenAll(clock, opener), 10, "the clock and the gate opener");

        var outcomes = await Task.WhenAll(calls.Select(async call =>
        {
            try
            {
                return await call.WaitAsync(TimeSpan.FromSeconds(10), Ct) == 42 ? "answered" : "wrong answer";
            }
            catch (TimeoutException exception) when (exception.Message.Contains("timed out after", StringComparison.Ordinal))
            {
                return "timed out";
            }
            catch (Exception exception)
            {
                return exception.GetType().Name;
            }
        }));

        Assert.All(outcomes, o => Assert.True(o is "answered" or "timed out", $"a call ended with {o}"));
        var runtime = silo.Services.GetRequiredService<SiloRuntime>();
        await WaitForAsync(() => runtime.TimeoutMonitor.PendingCount == 0, "every finished call to leave the timeout monitor");
        foreach (var key in keys)
        {
            Assert.Equal(7, await silo.Grains.GetGrain<IFaultGrain>(key).EchoAsync(7).WaitAsync(TimeSpan.FromSeconds(5), Ct));
        }
    }

    [Fact]
    public async Task Every_caller_queued_on_a_failing_activation_gets_its_exception_and_the_next_call_activates_afresh()
    {
        await using var silo = await SiloTestHost.StartAsync(typeof(StressTests).Assembly, settings: s_patient);
        var key = TestGates.NewKey("flaky");
        var stats = StressStats.For(key);
        var queued = Enumerable.Range(0, 30).Select(i => silo.Grains.GetGrain<IStressFlakyGrain>(key).EchoAsync(i)).ToArray();
        await WaitForAsync(() => stats.Activations == 1, "the first activation to start");
        Assert.All(queued, call => Assert.False(call.IsCompleted));

        // Callers keep coming while the activation fails: each sees the failure or a fresh activation, nothing else.
        var unexpected = new ConcurrentQueue<string>();
        var racing = Enumerable.Range(0, 4).Select(c => Task.Run(async () =>
        {
            var grain = silo.Grains.GetGrain<IStressFlakyGrain>(key);
            var answered = 0;
            for (var i = 0; answered < 20 && i < 10_000; i++)
            {
                try
                {
                    if (await grain.EchoAsync(i) != i)
                    {
                        unexpected.Enqueue("wrong answer");
                    }

                    answered++;
                }
                catch (StressActivationFailedException)
                {
                }
                catch (Exception exception)
                {
                    unexpected.Enqueue(exception.GetType().Name);
                }
            }

            return answered;
        }, Ct)).ToArray();
        TestGates.Gate(key).SetResult();

        foreach (var call in queued)
        {
            await Assert.ThrowsAsync<StressActivationFailedException>(() => call.WaitAsync(TimeSpan.FromSeconds(10), Ct));
        }

        await WithinAsync(Task.WhenAll(racing), 10, "the racing callers");
        Assert.Empty(unexpected);
        Assert.All(await Task.WhenAll(racing), answered => Assert.Equal(20, answered));
        Assert.Equal(5, await silo.Grains.GetGrain<IStressFlakyGrain>(key).EchoAsync(5));
        Assert.Equal(2, stats.Activations);
    }

    [Fact]
    public async Task A_call_whose_chain_passed_through_a_finished_request_waits_for_the_running_turn()
    {
        await using var silo = await SiloTestHost.StartAsync(typeof(StressTests).Assembly, settings: s_patient);
        var key = TestGates.NewKey("turn");
        var relayKey = TestGates.NewKey("relay");
        var grain = silo.Grains.GetGrain<IStressTurnGrain>(key);

        // Kick returns at once; the relay call it started (whose chain names this grain) waits at the relay's gate.
        await grain.KickAsync(silo.Grains.GetGrain<IStressRelayGrain>(relayKey));
        var hold = grain.HoldAsync();
        await WaitForAsync(() => TestGates.Events(key).Contains("hold-start"), "the holding turn to start");

        TestGates.Gate(relayKey).SetResult();
        await WaitForAsync(() => TestGates.Events(key).Contains("relay-called"), "the relay to call back");
        TestGates.Gate(key).SetResult();
        await WithinAsync(hold, 10, "the holding turn");
        await WaitForAsync(() => TestGates.Events(key).Contains("touch"), "the relay's call to run");

        // Kick's request had finished: its chain is no licence to enter while another request holds the turn.
        Assert.Equal(["hold-start", "relay-called", "hold-end", "touch"], TestGates.Events(key));
        Assert.Equal(1, StressStats.For(key).MaxInside);
    }

    [Fact]
    public async Task A_call_whose_chain_passed_through_a_finished_request_does_not_enter_a_deactivating_activation()
    {
        await using var silo = await SiloTestHost.StartAsync(typeof(StressTests).Assembly, settings: s_patient);
        var key = TestGates.NewKey("leaving");
        var relayKey = TestGates.NewKey("relay");
        var grain = silo.Grains.GetGrain<IStressTurnGrain>(key);
        await grain.KickAsync(silo.Grains.GetGrain<IStressRelayGrain>(relayKey));

        await grain.LeaveSlowlyAsync();
        await WaitForAsync(() => TestGates.Events(key).Contains("deactivate-start"), "OnDeactivateAsync to start");
        TestGates.Gate(relayKey).SetResult();
        await WaitForAsync(() => TestGates.Events(key).Contains("relay-called"), "the relay to call back");
        TestGates.Gate($"{key}/leave").SetResult();
        await WaitForAsync(() => TestGates.Events(key).Contains("touch"), "the relay's call to run");

        // The call waits for the old activation to finish going, then runs in the next one.
        Assert.Equal(["deactivate-start", "relay-called", "deactivate-end", "touch"], TestGates.Events(key));
        Assert.Equal(1, await grain.TouchesAsync());
    }

    [Fact]
    public async Task A_queued_call_whose_caller_timed_out_is_dropped_not_run_later()
    {
        var settings = new Dictionary<string, string?>(s_patient) { ["Silo:CallTimeout"] = "00:00:01" };
        await using var silo = await SiloTestHost.StartAsync(typeof(StressTests).Assembly, settings: settings);
        var key = TestGates.NewKey("expired");
        var grain = silo.Grains.GetGrain<IStressTurnGrain>(key);
        var hold = grain.HoldAsync();
        await WaitForAsync(() => TestGates.Events(key).Contains("hold-start"), "the holding turn to start");
        var touch = grain.TouchAsync();

        silo.Time.Advance(TimeSpan.FromSeconds(2));
        await Assert.ThrowsAsync<TimeoutException>(() => touch.WaitAsync(TimeSpan.FromSeconds(10), Ct));
        TestGates.Gate(key).SetResult();
        await Assert.ThrowsAsync<TimeoutException>(() => hold.WaitAsync(TimeSpan.FromSeconds(10), Ct));

        // The caller was told the call failed; running it afterwards would apply it behind the caller's back (and
        // twice, if the caller retried). Orleans drops a request that expired while queued.
        Assert.Equal(0, await grain.TouchesAsync().WaitAsync(TimeSpan.FromSeconds(10), Ct));
        Assert.DoesNotContain("touch", TestGates.Events(key));
    }

    [Fact]
    public async Task Graceful_shutdown_under_load_ends_every_call_and_deactivates_every_activation_once()
    {
        var silo = await SiloTestHost.StartAsync(typeof(StressTests).Assembly, settings: s_patient);
        var prefix = TestGates.NewKey("shutdown");
        var keys = Enumerable.Range(0, 40).Select(i => $"{prefix}-{i}").ToArray();
        var started = 0;
        var unexpected = new ConcurrentQueue<string>();
        var work = Enumerable.Range(0, 4).Select(c => Task.Run(async () =>
        {
            for (var i = 0; i < 5_000; i++)
            {
                try
                {
                    Interlocked.Increment(ref started);
                    await silo.Grains.GetGrain<IStressHammerGrain>(keys[((c * 7) + i) % keys.Length]).HitAsync(CallId(c, i), leaveEvery: 5);
                }
                catch (SiloUnavailableException)
                {
                    return;
                }
                catch (Exception exception)
                {
                    unexpected.Enqueue(exception.GetType().Name);
                    return;
                }
            }
        }, Ct)).ToArray();
        await WaitForAsync(() => Volatile.Read(ref started) > 200, "the callers to get going");

        await WithinAsync(silo.StopAsync(Ct), 10, "the graceful stop");
        await WithinAsync(Task.WhenAll(work), 10, "every caller to finish or be refused");
        await silo.DisposeAsync();

        Assert.Empty(unexpected);
        foreach (var key in keys)
        {
            var stats = StressStats.For(key);
            Assert.True(stats.MaxLive <= 1, $"{key} had {stats.MaxLive} activations alive at once");
            Assert.True(stats.MaxInside <= 1, $"{key} had {stats.MaxInside} requests inside at once");
            Assert.True(stats.Activations == stats.Deactivations, $"{key}: {stats.Activations} activations but {stats.Deactivations} deactivations after shutdown");
            Assert.All(stats.Runs, r => Assert.Equal(1, r.Value));
        }
    }

    [Fact]
    public async Task Two_silos_racing_writes_to_one_grain_lose_no_increment_and_a_conflicted_activation_reloads()
    {
        // Two silos over one real SQLite file, as two processes on one machine would share it.
        var directory = Directory.CreateTempSubdirectory("stress-etag-").FullName;
        void Store(IServiceCollection services) => services.AddSqliteGrainStorage(o => o.DataDirectory = directory);
        try
        {
            await using var nodeA = await SiloTestHost.StartAsync(typeof(StressTests).Assembly, Store, s_patient);
            await using var nodeB = await SiloTestHost.StartAsync(typeof(StressTests).Assembly, Store, s_patient);
            var key = TestGates.NewKey("etag");
            var successes = new ConcurrentQueue<int>();
            var unexpected = new ConcurrentQueue<string>();
            var conflicts = 0;

            var work = new[] { nodeA, nodeB }.SelectMany(node => Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
            {
                var grain = node.Grains.GetGrain<ICounterGrain>(key);
                for (var i = 0; i < 25; i++)
                {
                    try
                    {
                        successes.Enqueue(await grain.IncrementAsync());
                    }
                    catch (InconsistentStateException)
                    {
                        Interlocked.Increment(ref conflicts);
                    }
                    catch (Exception exception)
                    {
                        unexpected.Enqueue(exception.GetType().Name);
                    }
                }
            }, Ct))).ToArray();
            await WithinAsync(Task.WhenAll(work), 15, "every increment on both silos");

            // After the storm each silo's activation may be stale; one conflict at most, then the reloaded one writes.
            foreach (var node in new[] { nodeA, nodeB })
            {
                var grain = node.Grains.GetGrain<ICounterGrain>(key);
                try
                {
                    successes.Enqueue(await grain.IncrementAsync());
                }
                catch (InconsistentStateException)
                {
                    successes.Enqueue(await grain.IncrementAsync());
                }
            }

            Assert.Empty(unexpected);
            var written = successes.Order().ToArray();
            Assert.Equal(Enumerable.Range(1, written.Length), written);
            var grainId = ((IGrainReference)nodeA.Grains.GetGrain<ICounterGrain>(key)).GrainId;
            var stored = await nodeA.Services.GetRequiredService<IGrainStorage>().ReadAsync(grainId, "counter", Ct);
            using (var json = System.Text.Json.JsonDocument.Parse(stored!.Payload))
            {
                Assert.Equal(written.Length, json.RootElement.GetProperty("value").GetInt32());
            }
            Assert.Equal(150, written.Length - 2 + conflicts);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    private static long CallId(int caller, int call) => (caller * 1_000_000L) + call;

    private static void AssertEachRanOnce(StressStats stats, int expected)
    {
        Assert.Equal(expected, stats.Runs.Count);
        var twice = stats.Runs.Where(r => r.Value != 1).Select(r => $"{r.Key}×{r.Value}").ToArray();
        Assert.True(twice.Length == 0, $"calls that ran more than once: {string.Join(", ", twice)}");
    }

    /// <summary>Waits for <paramref name="task"/>, failing with what it waited for instead of hanging the run.</summary>
    private static async Task WithinAsync(Task task, int seconds, string what)
    {
        var finished = await Task.WhenAny(task, Task.Delay(TimeSpan.FromSeconds(seconds), Ct));
        if (finished != task)
        {
            Assert.Fail($"Timed out after {seconds} s waiting for {what}.");
        }

        await task;
    }

    /// <summary>Polls for something that happens on another thread, failing with what it waited for.</summary>
    private static Task WaitForAsync(Func<bool> condition, string what) => Eventually.WaitForAsync(condition, what, seconds: 10);
}
