namespace Platform.Gateway.Tests;

public sealed class InvitationsApiTestsOnPostgres(PostgresApiFixture api) : InvitationsApiTests(api), IClassFixture<PostgresApiFixture>;
