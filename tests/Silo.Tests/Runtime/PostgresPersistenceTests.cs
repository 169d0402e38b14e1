using Microsoft.Extensions.DependencyInjection;
using Platform.Silo.Storage;
using Platform.Silo.Tests.Grains;
using Platform.Testing;

namespace Platform.Silo.Tests.Runtime;

public sealed class PostgresPersistenceTests(Storage.PostgresClusterFixture cluster) : PersistenceTests
{
    private string? _connectionString;

    protected override async Task<Action<IServiceCollection>> StoreAsync()
    {
        _connectionString ??= await cluster.Cluster.CreateDatabaseAsync("persistence");
        var connectionString = _connectionString;
        return services => services.AddPostgresGrainStorage(o => o.ConnectionString = connectionString);
    }

    [Fact]
    public async Task Calls_fail_fast_while_postgres_is_down_and_succeed_once_it_is_back()
    {
        await using var ownCluster = await TemporaryPostgresCluster.StartAsync(allowExternal: false, TestContext.Current.CancellationToken);
        var connectionString = await ownCluster.CreateDatabaseAsync("outage", TestContext.Current.CancellationToken);
        await using var silo = await StartAsync(services => services.AddPostgresGrainStorage(o => o.ConnectionString = connectionString));
        var key = TestGates.NewKey("outage");
        var grain = silo.Grains.GetGrain<ICounterGrain>(key);
        Assert.Equal(1, await grain.IncrementAsync());

        await ownCluster.StopAsync(TestContext.Current.CancellationToken);
        var started = DateTime.UtcNow;
        var failure = await Assert.ThrowsAsync<StorageUnavailableException>(grain.IncrementAsync);
        var cold = await Assert.ThrowsAsync<StorageUnavailableException>(() => silo.Grains.GetGrain<ICounterGrain>(TestGates.NewKey("cold")).GetAsync());

        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5), "calls should fail fast while storage is down");
        Assert.Contains("PostgreSQL storage is unavailable", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(ownCluster.Password, failure.Message + cold.Message, StringComparison.Ordinal);

        await ownCluster.RestartAsync(TestContext.Current.CancellationToken);
        Assert.Equal(1, await grain.GetAsync());
        Assert.Equal(2, await grain.IncrementAsync());
    }
}
