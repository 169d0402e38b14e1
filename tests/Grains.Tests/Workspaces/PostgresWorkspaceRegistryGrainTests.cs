using Microsoft.Extensions.DependencyInjection;
using Platform.Silo.Storage;

namespace Platform.Grains.Tests.Workspaces;

public sealed class PostgresWorkspaceRegistryGrainTests(PostgresClusterFixture postgres) : WorkspaceRegistryGrainTests
{
    private string? _connectionString;

    protected override async Task<Action<IServiceCollection>> StoreAsync()
    {
        _connectionString ??= await postgres.Cluster.CreateDatabaseAsync("registry");
        var connectionString = _connectionString;
        return services => services.AddPostgresGrainStorage(o => o.ConnectionString = connectionString);
    }
}
