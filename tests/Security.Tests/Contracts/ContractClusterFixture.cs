using Microsoft.Data.Sqlite;

using Platform.Testing;

namespace Platform.Security.Tests.Contracts;

/// <summary>One two-silo platform cluster shared by the tests of a class: starting one takes seconds.</summary>
public sealed class ContractClusterFixture : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("contracts-").FullName;
    private PlatformTestCluster? _cluster;

    public PlatformTestCluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster has not started.");

    public async ValueTask InitializeAsync() => _cluster = await PlatformCluster.StartAsync(_directory);

    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
