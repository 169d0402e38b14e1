namespace Platform.Gateway.Tests;

public sealed class SecretsApiTestsOnPostgres(PostgresApiFixture api) : SecretsApiTests(api), IClassFixture<PostgresApiFixture>;
