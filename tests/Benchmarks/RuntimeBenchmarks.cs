using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Platform.Benchmarks.Grains;

namespace Platform.Benchmarks;

/// <summary>
/// The in-memory figures of the runtime on Orleans (one co-hosted silo, the platform's runtime configuration and tenant
/// filter): call round trip from outside any grain (as the co-hosted gateway calls) and grain to grain, pipelined
/// throughput, activation cost and footprint.
/// </summary>
internal static class RuntimeBenchmarks
{
    public static async Task RunAsync()
    {
        using var host = BenchmarkSilo.Build();
        await host.StartAsync();
        var grains = host.Services.GetRequiredService<IGrainFactory>();

        await CallRoundTripAsync(grains);
        await GrainToGrainAsync(grains);
        await PipelinedThroughputAsync(grains);
        await ActivationCostAsync(grains);
        await host.StopAsync();

        await IdleActivationFootprintAsync();
    }

    private static async Task CallRoundTripAsync(IGrainFactory grains)
    {
        var grain = grains.GetGrain<IPingGrain>("round-trip");
        const int callsPerSample = 5_000;
        var samples = new List<double>();
        for (var sample = 0; sample < 30; sample++)
        {
            var value = 0;
            var start = Stopwatch.GetTimestamp();
            for (var i = 0; i < callsPerSample; i++)
            {
                value = await grain.PingAsync(value);
            }

            if (sample >= 10)
            {
                samples.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds / callsPerSample);
            }
        }

        Figure.Print("grain_call_round_trip_median", Figure.Median(samples), "us");
    }

    private static async Task GrainToGrainAsync(IGrainFactory grains)
    {
        var caller = grains.GetGrain<IPingGrain>("grain-to-grain-caller");
        const int callsPerSample = 5_000;
        await caller.PingManyAsync("grain-to-grain-target", 100);
        var samples = new List<double>();
        for (var sample = 0; sample < 30; sample++)
        {
            var start = Stopwatch.GetTimestamp();
            await caller.PingManyAsync("grain-to-grain-target", callsPerSample);
            if (sample >= 10)
            {
                samples.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds / callsPerSample);
            }
        }

        Figure.Print("grain_to_grain_call_median", Figure.Median(samples), "us");
    }

    private static async Task PipelinedThroughputAsync(IGrainFactory grains)
    {
        var references = Enumerable.Range(0, 100).Select(i => grains.GetGrain<IPingGrain>($"pipelined-{i}")).ToArray();
        var workers = Environment.ProcessorCount;
        const int inFlightPerGrain = 10;

        async Task<long> WorkerAsync(int worker, TimeSpan duration)
        {
            var mine = references.Where((_, i) => i % workers == worker).ToArray();
            var batch = new Task<int>[mine.Length * inFlightPerGrain];
            long calls = 0;
            var stopAt = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
            while (Stopwatch.GetTimestamp() < stopAt)
            {
                for (var i = 0; i < batch.Length; i++)
                {
                    batch[i] = mine[i % mine.Length].PingAsync(i);
                }

                await Task.WhenAll(batch);
                calls += batch.Length;
            }

            return calls;
        }

        await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(() => WorkerAsync(w, TimeSpan.FromSeconds(1)))));
        var start = Stopwatch.GetTimestamp();
        var counts = await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(() => WorkerAsync(w, TimeSpan.FromSeconds(3)))));
        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        Figure.Print("grain_calls_pipelined_100_grains", counts.Sum() / seconds, "calls/s");
    }

    private static async Task ActivationCostAsync(IGrainFactory grains)
    {
        const int perSample = 1_000;
        var samples = new List<double>();
        for (var sample = 0; sample < 15; sample++)
        {
            var start = Stopwatch.GetTimestamp();
            for (var i = 0; i < perSample; i++)
            {
                await grains.GetGrain<IPingGrain>($"activation-{sample}-{i}").PingAsync(i);
            }

            if (sample >= 5)
            {
                samples.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds / perSample);
            }
        }

        Figure.Print("activation_cost_median", Figure.Median(samples), "us");
    }

    private static async Task IdleActivationFootprintAsync()
    {
        // Fewer than the 1,000,000 of the project's own runtime: an Orleans activation is a few kilobytes, and this
        // is enough for the per-activation figure to settle.
        const int count = 200_000;
        using var host = BenchmarkSilo.Build();
        await host.StartAsync();
        var grains = host.Services.GetRequiredService<IGrainFactory>();
        var keys = Enumerable.Range(0, count).Select(i => $"idle-{i:D7}").ToArray();

        // Keys are allocated before the baseline: they stand for ids the caller already holds.
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var start = Stopwatch.GetTimestamp();
        await Parallel.ForEachAsync(
            Enumerable.Range(0, Environment.ProcessorCount),
            async (worker, _) =>
            {
                for (var i = worker; i < count; i += Environment.ProcessorCount)
                {
                    await grains.GetGrain<IPingGrain>(keys[i]).PingAsync(i);
                }
            });
        var elapsed = Stopwatch.GetElapsedTime(start);
        var after = GC.GetTotalMemory(forceFullCollection: true);

        Figure.Print("activations_created_per_second", count / elapsed.TotalSeconds, "activations/s");
        Figure.Print("bytes_per_idle_activation", (after - before) / (double)count, "bytes");
        GC.KeepAlive(keys);
        await host.StopAsync();
    }
}
