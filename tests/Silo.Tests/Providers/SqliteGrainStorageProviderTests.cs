namespace Platform.Silo.Tests.Providers;

public sealed class SqliteGrainStorageProviderTests(SqliteProviderFixture fixture) : DurableGrainStorageProviderContractTests(fixture), IClassFixture<SqliteProviderFixture>
{
    protected override (string Provider, string Target) ProbeTarget => ("sqlite", Fixture.DataDirectory);
}
