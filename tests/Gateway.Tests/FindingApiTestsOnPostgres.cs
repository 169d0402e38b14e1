namespace Platform.Gateway.Tests;

public sealed class FindingApiTestsOnPostgres(PostgresApiFixture api) : FindingApiTests(api), IClassFixture<PostgresApiFixture>;
