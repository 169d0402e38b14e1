namespace Platform.Gateway.Tests;

public sealed class FindingApiTestsOnSqlite(SqliteApiFixture api) : FindingApiTests(api), IClassFixture<SqliteApiFixture>;
