using Platform.Silo.Tests.Grains;
using Platform.Silo.Tests.Storage;
using Platform.Testing;

namespace Platform.Silo.Tests.Semantics;

public sealed class PostgresGrainPersistenceTests(PostgresClusterFixture postgres) : GrainPersistenceTests
{
    private string? _connectionString;

    protected override async Task<IDictionary<string, string?>> StoreAsync()
    {
        _connectionString ??= await postgres.Cluster.CreateDatabaseAsync("persistence", Ct);
        return Postgres(_connectionString);
    }

    [Fact]
    public async Task Calls_fail_fast_while_postgres_is_down_and_succeed_once_it_is_back()
    {
        await using var own = await TemporaryPostgresCluster.StartAsync(allowExternal: false, Ct);
        var connectionString = await own.CreateDatabaseAsync("outage", Ct);
        await using var cluster = await StartAsync(Postgres(connectionString));
        var grain = cluster.Grains.GetGrain<ICounterGrain>(TestGates.NewKey("outage"));
        Assert.Equal(1, await grain.IncrementAsync());

        await own.StopAsync(Ct);
        var started = DateTime.UtcNow;
        var failure = await Assert.ThrowsAsync<StorageUnavailableException>(grain.IncrementAsync);
        var cold = await Assert.ThrowsAsync<StorageUnavailableException>(() => cluster.Grains.GetGrain<ICounterGrain>(TestGates.NewKey("cold")).GetAsync());

        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5), "calls should fail fast while storage is down");
        Assert.Contains("PostgreSQL storage is unavailable", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(own.Password, failure.Message + cold.Message, StringComparison.Ordinal);

        // The failed write dropped its activation: the next call reloads what the server kept.
        await own.RestartAsync(Ct);
        Assert.Equal(1, await grain.GetAsync());
        Assert.Equal(2, await grain.IncrementAsync());
    }

    private static Dictionary<string, string?> Postgres(string connectionString) => new()
    {
        ["Silo:Storage"] = "postgres",
        ["Silo:Postgres:ConnectionString"] = connectionString,
    };
}
