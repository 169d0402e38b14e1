namespace Platform.Gateway.Tests;

/// <summary>The proxy fixture on PostgreSQL: a fresh database of the assembly's shared cluster.</summary>
public sealed class PostgresProxyFixture(PostgresClusterFixture postgres) : ProxyFixture
{
    protected override Task<IReadOnlyDictionary<string, string?>> StoreSettingsAsync() =>
        postgres.GatewaySettingsAsync("gateway_proxy", TestContext.Current.CancellationToken);
}
