using Microsoft.Extensions.DependencyInjection;

using Platform.Silo.Storage;

namespace Platform.Grains.Tests.Budget;

public sealed class PostgresBudgetGrainTests(PostgresClusterFixture postgres) : BudgetGrainTests
{
    private string? _connectionString;

    protected override async Task<Action<IServiceCollection>> StoreAsync()
    {
        var connectionString = _connectionString ??= await postgres.Cluster.CreateDatabaseAsync("budget", TestContext.Current.CancellationToken);
        return services => services.AddPostgresGrainStorage(o => o.ConnectionString = connectionString);
    }
}
