namespace Platform.Gateway.Tests;

public sealed class WorkspaceApiTestsOnPostgres(PostgresApiFixture api) : WorkspaceApiTests(api), IClassFixture<PostgresApiFixture>;
