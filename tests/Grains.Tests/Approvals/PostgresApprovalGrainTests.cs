using Microsoft.Extensions.DependencyInjection;
using Platform.Silo.Storage;

namespace Platform.Grains.Tests.Approvals;

public sealed class PostgresApprovalGrainTests(PostgresClusterFixture postgres) : ApprovalGrainTests
{
    private string? _connectionString;

    protected override async Task<Action<IServiceCollection>> StoreAsync()
    {
        var connectionString = _connectionString ??= await postgres.Cluster.CreateDatabaseAsync("approvals", TestContext.Current.CancellationToken);
        return services => services.AddPostgresGrainStorage(o => o.ConnectionString = connectionString);
    }
}
