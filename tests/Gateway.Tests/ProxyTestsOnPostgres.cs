namespace Platform.Gateway.Tests;

public sealed class ProxyTestsOnPostgres(PostgresProxyFixture proxy) : ProxyTests(proxy), IClassFixture<PostgresProxyFixture>;
