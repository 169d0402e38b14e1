using Microsoft.Extensions.DependencyInjection;
using Platform.Silo.Storage;

namespace Platform.Grains.Tests.Runs;

public sealed class PostgresAgentRunGrainTests(PostgresClusterFixture postgres) : AgentRunGrainTests
{
    private string? _connectionString;

    protected override async Task<Action<IServiceCollection>> StoreAsync()
    {
        _connectionString ??= await postgres.Cluster.CreateDatabaseAsync("runs");
        var connectionString = _connectionString;
        return services => services.AddPostgresGrainStorage(o => o.ConnectionString = connectionString);
    }
}
