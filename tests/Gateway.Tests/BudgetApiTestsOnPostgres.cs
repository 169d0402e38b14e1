namespace Platform.Gateway.Tests;

public sealed class BudgetApiTestsOnPostgres(PostgresApiFixture api) : BudgetApiTests(api), IClassFixture<PostgresApiFixture>;
