using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Platform.Benchmarks.Grains;
using Platform.Testing;

namespace Platform.Benchmarks;

/// <summary>
/// What a grain call costs when it crosses nodes: two silos of one cluster in this process (the platform's runtime
/// configuration, real TCP between them on loopback), the same calls made to a grain on the caller's silo and to one on
/// the other, side by side in one run: from outside any grain (as the co-hosted gateway calls), grain to grain, and
/// pipelined over 100 grains.
/// </summary>
internal static class CrossNodeBenchmarks
{
    private const int Rounds = 5;

    public static async Task RunAsync()
    {
        var first = FreePorts.ForSilo();
        using var a = BenchmarkSilo.Build(settings: first);
        await a.StartAsync();
        var primary = new IPEndPoint(IPAddress.Loopback, int.Parse(first["Silo:SiloPort"]!, CultureInfo.InvariantCulture));
        using var b = BenchmarkSilo.Build(primary: primary);
        await b.StartAsync();
        var onA = a.Services.GetRequiredService<IGrainFactory>();
        var onB = b.Services.GetRequiredService<IGrainFactory>();

        // Prefer-local placement puts each grain on the silo that first calls it.
        var silos = (await onA.GetGrain<ILocalPingGrain>("caller").SiloAsync(), await onA.GetGrain<ILocalPingGrain>("local").SiloAsync(), await onB.GetGrain<ILocalPingGrain>("remote").SiloAsync());
        if (silos.Item1 != silos.Item2 || silos.Item1 == silos.Item3)
        {
            throw new InvalidOperationException($"placement did not split the grains: caller {silos.Item1}, local {silos.Item2}, remote {silos.Item3}");
        }

        var pipelinedLocal = Enumerable.Range(0, 100).Select(i => onA.GetGrain<ILocalPingGrain>($"pipelined-local-{i}")).ToArray();
        var pipelinedRemote = Enumerable.Range(0, 100).Select(i => onB.GetGrain<ILocalPingGrain>($"pipelined-remote-{i}")).ToArray();
        await Task.WhenAll(pipelinedLocal.Concat(pipelinedRemote).Select(static g => g.PingAsync(0)));
        var remoteFromA = pipelinedRemote.Select(g => onA.GetGrain<ILocalPingGrain>(g.GetPrimaryKeyString())).ToArray();

        // Rounds alternate the two sides, so a slow moment of this shared machine falls on both.
        var samples = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        void Add(string name, double value) => (samples.TryGetValue(name, out var list) ? list : samples[name] = []).Add(value);
        for (var round = 0; round < Rounds + 1; round++)
        {
            var clientLocal = await RoundTripAsync(onA.GetGrain<ILocalPingGrain>("local"));
            var clientRemote = await RoundTripAsync(onA.GetGrain<ILocalPingGrain>("remote"));
            var grainLocal = await GrainToGrainAsync(onA.GetGrain<ILocalPingGrain>("caller"), "local");
            var grainRemote = await GrainToGrainAsync(onA.GetGrain<ILocalPingGrain>("caller"), "remote");
            var throughputLocal = await PipelinedAsync(pipelinedLocal);
            var throughputRemote = await PipelinedAsync(remoteFromA);
            if (round == 0)
            {
                continue; // warm-up
            }

            Add("client_call_same_node", clientLocal);
            Add("client_call_other_node", clientRemote);
            Add("grain_to_grain_same_node", grainLocal);
            Add("grain_to_grain_other_node", grainRemote);
            Add("pipelined_same_node", throughputLocal);
            Add("pipelined_other_node", throughputRemote);
        }

        foreach (var (name, values) in samples)
        {
            Figure.Print($"{name}_median", Figure.Median(values), name.StartsWith("pipelined", StringComparison.Ordinal) ? "calls/s" : "us");
        }

        Figure.Print("client_call_cross_node_cost", Figure.Median(samples["client_call_other_node"]) - Figure.Median(samples["client_call_same_node"]), "us");
        Figure.Print("grain_to_grain_cross_node_cost", Figure.Median(samples["grain_to_grain_other_node"]) - Figure.Median(samples["grain_to_grain_same_node"]), "us");
        await b.StopAsync();
        await a.StopAsync();
    }

    /// <summary>Microseconds per call of 5,000 sequential calls from outside any grain.</summary>
    private static async Task<double> RoundTripAsync(ILocalPingGrain grain)
    {
        const int calls = 5_000;
        var value = 0;
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < calls; i++)
        {
            value = await grain.PingAsync(value);
        }

        return Stopwatch.GetElapsedTime(start).TotalMicroseconds / calls;
    }

    /// <summary>Microseconds per call of 5,000 sequential calls made by <paramref name="caller"/> to <paramref name="target"/>.</summary>
    private static async Task<double> GrainToGrainAsync(ILocalPingGrain caller, string target)
    {
        const int calls = 5_000;
        var start = Stopwatch.GetTimestamp();
        await caller.PingManyAsync(target, calls);
        return Stopwatch.GetElapsedTime(start).TotalMicroseconds / calls;
    }

    /// <summary>Calls per second over 2 s with ten calls in flight per grain.</summary>
    private static async Task<double> PipelinedAsync(ILocalPingGrain[] grains)
    {
        var batch = new Task<int>[grains.Length * 10];
        long calls = 0;
        var start = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(start) < TimeSpan.FromSeconds(2))
        {
            for (var i = 0; i < batch.Length; i++)
            {
                batch[i] = grains[i % grains.Length].PingAsync(i);
            }

            await Task.WhenAll(batch);
            calls += batch.Length;
        }

        return calls / Stopwatch.GetElapsedTime(start).TotalSeconds;
    }
}
