namespace Platform.Gateway.Tests;

public sealed class MembersApiTestsOnSqlite(SqliteApiFixture api) : MembersApiTests(api), IClassFixture<SqliteApiFixture>;
