using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Platform.Benchmarks.Grains;
using Platform.Silo.Storage;
using Platform.Testing;

namespace Platform.Benchmarks;

/// <summary>
/// Durable figures through Orleans' grain storage, the project's stores behind it: cold activation from SQLite, and
/// state writes per second on SQLite and PostgreSQL from 1 and 64 grains.
/// </summary>
internal static class StorageBenchmarks
{
    public static async Task RunAsync()
    {
        var directory = Directory.CreateTempSubdirectory("silo-bench-").FullName;
        try
        {
            void Sqlite(IServiceCollection services) => services.AddSqliteGrainStorage(o => o.DataDirectory = directory);
            await ColdActivationAsync(Sqlite);
            await WritesPerSecondAsync("sqlite", Sqlite);

            await using var cluster = await TemporaryPostgresCluster.StartAsync(allowExternal: false);
            var connectionString = await cluster.CreateDatabaseAsync("bench");
            await WritesPerSecondAsync(
                "postgres",
                services => services.AddPostgresGrainStorage(o => o.ConnectionString = connectionString),
                new Dictionary<string, string?> { ["Silo:Storage"] = "postgres" });
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static IHost BuildHost(Action<IServiceCollection> storage, IDictionary<string, string?>? settings = null) =>
        BenchmarkSilo.Build(storage, settings);

    private static async Task ColdActivationAsync(Action<IServiceCollection> storage)
    {
        const int grainCount = 4_000;
        using (var writer = BuildHost(storage))
        {
            await writer.StartAsync();
            var grains = writer.Services.GetRequiredService<IGrainFactory>();
            await Parallel.ForEachAsync(Enumerable.Range(0, grainCount), new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (i, _) =>
                await grains.GetGrain<IStateGrain>($"cold-{i}").SetAsync(i));
            await writer.StopAsync();
        }

        // A fresh silo: every first call reads the state from the file.
        using var reader = BuildHost(storage);
        await reader.StartAsync();
        var factory = reader.Services.GetRequiredService<IGrainFactory>();
        var samples = new List<double>(grainCount);
        for (var i = 0; i < grainCount; i++)
        {
            var start = Stopwatch.GetTimestamp();
            var value = await factory.GetGrain<IStateGrain>($"cold-{i}").GetAsync();
            samples.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
            if (value != i)
            {
                throw new InvalidOperationException($"cold-{i} read back {value}.");
            }
        }

        Figure.Print("cold_activation_sqlite_median", Figure.Median(samples[500..]), "us");
        await reader.StopAsync();
    }

    private static async Task WritesPerSecondAsync(string provider, Action<IServiceCollection> storage, IDictionary<string, string?>? settings = null)
    {
        using var host = BuildHost(storage, settings);
        await host.StartAsync();
        var grains = host.Services.GetRequiredService<IGrainFactory>();
        foreach (var concurrency in new[] { 1, 64 })
        {
            var references = Enumerable.Range(0, concurrency).Select(i => grains.GetGrain<IStateGrain>($"{provider}-writes-{concurrency}-{i}")).ToArray();
            await Task.WhenAll(references.Select(r => r.SetAsync(0)));

            var stopAt = Stopwatch.GetTimestamp() + (3 * Stopwatch.Frequency);
            var start = Stopwatch.GetTimestamp();
            var counts = await Task.WhenAll(references.Select(async grain =>
            {
                var writes = 0;
                while (Stopwatch.GetTimestamp() < stopAt)
                {
                    await grain.SetAsync(++writes);
                }

                return writes;
            }));
            var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            Figure.Print($"state_writes_{provider}_{concurrency}_grains", counts.Sum() / seconds, "writes/s");
        }

        await host.StopAsync();
    }
}
