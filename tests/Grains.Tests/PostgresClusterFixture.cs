using Platform.Testing;

[assembly: AssemblyFixture(typeof(Platform.Grains.Tests.PostgresClusterFixture))]

namespace Platform.Grains.Tests;

/// <summary>One PostgreSQL cluster for the whole test run (a copy of Silo.Tests' fixture); each test asks it for a database of its own.</summary>
public sealed class PostgresClusterFixture : IAsyncLifetime
{
    private TemporaryPostgresCluster? _cluster;

    public TemporaryPostgresCluster Cluster => _cluster ?? throw new InvalidOperationException("The PostgreSQL cluster has not started.");

    public async ValueTask InitializeAsync() => _cluster = await TemporaryPostgresCluster.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
