namespace Platform.Gateway.Tests;

public sealed class EndToEndTestsOnPostgres(PostgresClusterFixture postgres) : EndToEndTests
{
    protected override Task<IReadOnlyDictionary<string, string?>> StoreSettingsAsync() =>
        postgres.GatewaySettingsAsync("gateway_e2e", TestContext.Current.CancellationToken);
}
