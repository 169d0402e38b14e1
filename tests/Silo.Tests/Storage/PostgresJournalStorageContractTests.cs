namespace Platform.Silo.Tests.Storage;

public sealed class PostgresJournalStorageContractTests(PostgresClusterFixture postgres) : JournalStorageContractTests
{
    protected override async Task<StorageHost> StartHostAsync() => await StorageHost.StartPostgresAsync(await postgres.SharedDatabaseAsync());
}
