namespace Platform.Gateway.Tests;

public sealed class WorkspaceApiTestsOnSqlite(SqliteApiFixture api) : WorkspaceApiTests(api), IClassFixture<SqliteApiFixture>;
