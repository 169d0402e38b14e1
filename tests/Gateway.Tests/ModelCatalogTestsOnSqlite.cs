namespace Platform.Gateway.Tests;

public sealed class ModelCatalogTestsOnSqlite(SqliteProxyFixture proxy) : ModelCatalogTests(proxy), IClassFixture<SqliteProxyFixture>;
