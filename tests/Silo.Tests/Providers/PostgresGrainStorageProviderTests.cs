namespace Platform.Silo.Tests.Providers;

public sealed class PostgresGrainStorageProviderTests(PostgresProviderFixture fixture) : DurableGrainStorageProviderContractTests(fixture), IClassFixture<PostgresProviderFixture>
{
    protected override (string Provider, string Target) ProbeTarget => ("postgres", ((PostgresProviderFixture)Fixture).ConnectionString);
}
