namespace Platform.Silo.Tests.Storage;

public sealed class PostgresGrainStateStoreContractTests(PostgresClusterFixture postgres) : GrainStateStoreContractTests
{
    protected override async Task<StorageHost> StartHostAsync() => await StorageHost.StartPostgresAsync(await postgres.SharedDatabaseAsync());
}
