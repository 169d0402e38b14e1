namespace Platform.Gateway.Tests;

public sealed class ApprovalsApiTestsOnPostgres(PostgresApiFixture api) : ApprovalsApiTests(api), IClassFixture<PostgresApiFixture>;
