namespace Platform.Gateway.Tests;

public sealed class TruthfulRunsTestsOnPostgres(PostgresClusterFixture postgres) : TruthfulRunsTests
{
    protected override Task<IReadOnlyDictionary<string, string?>> StoreSettingsAsync() =>
        postgres.GatewaySettingsAsync("gateway_truthful_runs", TestContext.Current.CancellationToken);
}
