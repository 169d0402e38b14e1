namespace Platform.Gateway.Tests;

/// <summary>The API fixture on PostgreSQL: a fresh database of the assembly's shared cluster.</summary>
public sealed class PostgresApiFixture(PostgresClusterFixture postgres) : ApiFixture
{
    protected override Task<IReadOnlyDictionary<string, string?>> StoreSettingsAsync() =>
        postgres.GatewaySettingsAsync("gateway_api", TestContext.Current.CancellationToken);
}
