namespace Platform.Gateway.Tests;

public sealed class InvitationsApiTestsOnSqlite(SqliteApiFixture api) : InvitationsApiTests(api), IClassFixture<SqliteApiFixture>;
