using Platform.Testing;

[assembly: AssemblyFixture(typeof(Platform.Gateway.Tests.PostgresClusterFixture))]

namespace Platform.Gateway.Tests;

/// <summary>
/// One PostgreSQL cluster for the whole test assembly (like Grains.Tests' fixture); each gateway asks it for a database of
/// its own. Starting it fails rather than skips when no server can be started, so the PostgreSQL half of the suite
/// cannot silently disappear.
/// </summary>
public sealed class PostgresClusterFixture : IAsyncLifetime
{
    private TemporaryPostgresCluster? _cluster;

    public TemporaryPostgresCluster Cluster => _cluster ?? throw new InvalidOperationException("The PostgreSQL cluster has not started.");

    public async ValueTask InitializeAsync() => _cluster = await TemporaryPostgresCluster.StartAsync();

    /// <summary>Gateway settings for grain storage in a fresh database of this cluster.</summary>
    public async Task<IReadOnlyDictionary<string, string?>> GatewaySettingsAsync(string prefix, CancellationToken cancellationToken = default) =>
        new Dictionary<string, string?>
        {
            ["Silo:Storage"] = "postgres",
            ["Silo:Postgres:ConnectionString"] = await Cluster.CreateDatabaseAsync(prefix, cancellationToken),
        };

    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
