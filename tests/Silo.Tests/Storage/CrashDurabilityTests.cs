using System.Text;

using Platform.Silo.Storage;
using Platform.StorageCrashProbe;

namespace Platform.Silo.Tests.Storage;

/// <summary>Kills a writing process and checks that every write it had acknowledged is still stored.</summary>
public sealed class CrashDurabilityTests(PostgresClusterFixture postgres)
{
    [Fact]
    public async Task Sqlite_writes_acknowledged_before_the_process_is_killed_survive()
    {
        var directory = Directory.CreateTempSubdirectory("silo-crash-");
        try
        {
            var acknowledged = await CrashProbeRunner.RunUntilKilledAsync("sqlite", directory.FullName, "bytes");

            await using var host = await StorageHost.StartSqliteAsync(directory.FullName);
            await AssertAllStoredAsync(host.Store, acknowledged);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Postgres_writes_acknowledged_before_the_process_is_killed_survive()
    {
        var database = await postgres.Cluster.CreateDatabaseAsync("crash", TestContext.Current.CancellationToken);

        var acknowledged = await CrashProbeRunner.RunUntilKilledAsync("postgres", database, "bytes");

        await using var host = await StorageHost.StartPostgresAsync(database);
        await AssertAllStoredAsync(host.Store, acknowledged);
    }

    private static async Task AssertAllStoredAsync(IGrainStateStore storage, IReadOnlyList<int> acknowledged)
    {
        var missing = new List<int>();
        foreach (var n in acknowledged)
        {
            var stored = await storage.ReadAsync(CrashProbe.Grain(n), CrashProbe.StateName, TestContext.Current.CancellationToken);
            if (stored?.Payload is null || Encoding.UTF8.GetString(stored.Payload) != CrashProbe.Value(n))
            {
                missing.Add(n);
            }
        }

        Assert.True(missing.Count == 0, $"{missing.Count} of {acknowledged.Count} acknowledged writes are missing after the kill, e.g. {string.Join(", ", missing.Take(10))}.");
    }
}
