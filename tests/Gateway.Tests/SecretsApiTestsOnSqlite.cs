namespace Platform.Gateway.Tests;

public sealed class SecretsApiTestsOnSqlite(SqliteApiFixture api) : SecretsApiTests(api), IClassFixture<SqliteApiFixture>;
