using Microsoft.Extensions.DependencyInjection;
using Platform.Silo.Storage;

namespace Platform.Grains.Tests.Runs;

public sealed class PostgresRunIndexGrainTests(PostgresClusterFixture postgres) : RunIndexGrainTests
{
    private string? _connectionString;

    protected override async Task<Action<IServiceCollection>> StoreAsync()
    {
        _connectionString ??= await postgres.Cluster.CreateDatabaseAsync("runindex");
        var connectionString = _connectionString;
        return services => services.AddPostgresGrainStorage(o => o.ConnectionString = connectionString);
    }
}
