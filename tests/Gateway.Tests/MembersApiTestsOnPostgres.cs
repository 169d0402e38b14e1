namespace Platform.Gateway.Tests;

public sealed class MembersApiTestsOnPostgres(PostgresApiFixture api) : MembersApiTests(api), IClassFixture<PostgresApiFixture>;
