namespace Platform.Gateway.Tests;

public sealed class ApprovalsApiTestsOnSqlite(SqliteApiFixture api) : ApprovalsApiTests(api), IClassFixture<SqliteApiFixture>;
