namespace Platform.Gateway.Tests;

public sealed class ProxyTestsOnSqlite(SqliteProxyFixture proxy) : ProxyTests(proxy), IClassFixture<SqliteProxyFixture>;
