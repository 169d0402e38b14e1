namespace Platform.Gateway.Tests;

public sealed class BudgetApiTestsOnSqlite(SqliteApiFixture api) : BudgetApiTests(api), IClassFixture<SqliteApiFixture>;
