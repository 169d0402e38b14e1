using System.Diagnostics;

using Platform.Silo.Storage;

namespace Platform.Silo.Tests.Storage;

/// <summary>Measures durable writes per second with one writer and with 64; the figures go to the test output.</summary>
[Collection(nameof(RunsAlone))]
public sealed class ThroughputTests(ITestOutputHelper output, PostgresClusterFixture postgres)
{
    [Fact]
    public async Task Sqlite_group_commit_lets_many_concurrent_writers_share_each_durable_commit()
    {
        var directory = Directory.CreateTempSubdirectory("silo-throughput-");
        try
        {
            await using var host = await StorageHost.StartSqliteAsync(directory.FullName);
            await MeasureAndCompareAsync("SQLite", host.Store, singleWrites: 3_000, manyWritesEach: 500);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Postgres_group_commit_lets_many_concurrent_writers_share_each_durable_commit()
    {
        await using var host = await StorageHost.StartPostgresAsync(await postgres.Cluster.CreateDatabaseAsync("throughput", TestContext.Current.CancellationToken));
        await MeasureAndCompareAsync("PostgreSQL", host.Store, singleWrites: 1_000, manyWritesEach: 200);
    }

    private async Task MeasureAndCompareAsync(string provider, IGrainStateStore storage, int singleWrites, int manyWritesEach)
    {
        var payload = new byte[256];
        Random.Shared.NextBytes(payload);

        // A short warm-up so JIT and cache effects do not count against the first figure.
        await MeasureAsync(storage, payload, writers: 8, writesPerWriter: 100, "warmup");
        var single = await MeasureAsync(storage, payload, writers: 1, writesPerWriter: singleWrites, "one");
        var many = await MeasureAsync(storage, payload, writers: 64, writesPerWriter: manyWritesEach, "many");

        output.WriteLine($"{provider} durable writes/s: 1 writer {single:N0}, 64 writers {many:N0} (256-byte states, {Environment.ProcessorCount} cores)");
        Assert.True(many > single, $"{provider}: 64 concurrent writers reached {many:N0} writes/s, no more than one writer's {single:N0}: group commit is not sharing commits.");
    }

    private static async Task<double> MeasureAsync(IGrainStateStore storage, byte[] payload, int writers, int writesPerWriter, string run)
    {
        var stopwatch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            var grain = GrainId.Create("throughput", $"{run}-{w}");
            string? etag = null;
            for (var i = 0; i < writesPerWriter; i++)
            {
                etag = await storage.WriteAsync(grain, "state", payload, etag, TestContext.Current.CancellationToken);
            }
        }, TestContext.Current.CancellationToken)));
        return writers * writesPerWriter / stopwatch.Elapsed.TotalSeconds;
    }
}
