namespace Platform.Gateway.Tests;

public sealed class IsolationTestsOnPostgres(PostgresApiFixture api) : IsolationTests(api), IClassFixture<PostgresApiFixture>;
