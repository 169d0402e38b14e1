namespace Platform.Gateway.Tests;

public sealed class IsolationTestsOnSqlite(SqliteApiFixture api) : IsolationTests(api), IClassFixture<SqliteApiFixture>;
