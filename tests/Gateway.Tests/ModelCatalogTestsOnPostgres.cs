namespace Platform.Gateway.Tests;

public sealed class ModelCatalogTestsOnPostgres(PostgresProxyFixture proxy) : ModelCatalogTests(proxy), IClassFixture<PostgresProxyFixture>;
