namespace Platform.Silo.Tests.Storage;

public sealed class PostgresGrainStorageContractTests(PostgresClusterFixture postgres) : GrainStorageContractTests
{
    protected override async Task<StorageHost> StartHostAsync() => await StorageHost.StartPostgresAsync(await postgres.SharedDatabaseAsync());
}
