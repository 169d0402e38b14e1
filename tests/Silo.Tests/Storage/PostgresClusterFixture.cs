using Platform.Testing;

[assembly: AssemblyFixture(typeof(Platform.Silo.Tests.Storage.PostgresClusterFixture))]

namespace Platform.Silo.Tests.Storage;

/// <summary>One PostgreSQL cluster for the whole test run; each test class asks it for a database of its own.</summary>
public sealed class PostgresClusterFixture : IAsyncLifetime
{
    private readonly SemaphoreSlim _sharedLock = new(1, 1);
    private TemporaryPostgresCluster? _cluster;
    private string? _sharedDatabase;

    public TemporaryPostgresCluster Cluster => _cluster ?? throw new InvalidOperationException("The PostgreSQL cluster has not started.");

    public async ValueTask InitializeAsync() => _cluster = await TemporaryPostgresCluster.StartAsync();

    /// <summary>A database shared by tests that keep to their own grain keys.</summary>
    public async Task<string> SharedDatabaseAsync()
    {
        await _sharedLock.WaitAsync();
        try
        {
            return _sharedDatabase ??= await Cluster.CreateDatabaseAsync("contract");
        }
        finally
        {
            _sharedLock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        _sharedLock.Dispose();
    }
}
