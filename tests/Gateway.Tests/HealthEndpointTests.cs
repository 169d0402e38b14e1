using System.Net;
using Platform.Testing;

namespace Platform.Gateway.Tests;

public sealed class HealthEndpointTests : IDisposable
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("gateway-").FullName;

    [Fact]
    public async Task Embedded_default_is_live_and_ready_and_keeps_its_data_under_the_data_directory()
    {
        await using var gateway = new GatewayFactory(new Dictionary<string, string?> { ["Silo:Sqlite:DataDirectory"] = _dataDirectory });
        using var client = gateway.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/healthz", UriKind.Relative), TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/readyz", UriKind.Relative), TestContext.Current.CancellationToken)).StatusCode);
        Assert.True(File.Exists(Path.Combine(_dataDirectory, "silo.db")));
    }

    [Fact]
    public async Task Platform_data_directory_alone_places_the_database_the_key_file_and_the_operator_key()
    {
        await using var gateway = new GatewayFactory(new Dictionary<string, string?>
        {
            ["Platform:DataDirectory"] = _dataDirectory,
            ["Silo:Sqlite:DataDirectory"] = null,
        });
        using var client = gateway.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/readyz", UriKind.Relative), TestContext.Current.CancellationToken)).StatusCode);
        Assert.True(File.Exists(Path.Combine(_dataDirectory, "silo.db")));
        Assert.True(File.Exists(Path.Combine(_dataDirectory, "keys.json")));
        Assert.True(File.Exists(Path.Combine(_dataDirectory, "operator.key")));
    }

    [Fact]
    public async Task Unknown_route_answers_with_problem_details()
    {
        await using var gateway = new GatewayFactory(new Dictionary<string, string?> { ["Silo:Sqlite:DataDirectory"] = _dataDirectory });
        using var client = gateway.CreateClient();

        var response = await client.GetAsync(new Uri("/no-such-route", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public void Unknown_storage_provider_stops_start_up_with_a_clear_error()
    {
        using var gateway = new GatewayFactory(new Dictionary<string, string?> { ["Silo:Storage"] = "mongo" });

        var exception = Assert.ThrowsAny<Exception>(() => gateway.CreateClient());

        Assert.Contains("Silo:Storage is 'mongo'", exception.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task On_postgres_the_gateway_is_unready_while_the_server_is_down_and_ready_again_after()
    {
        await using var cluster = await TemporaryPostgresCluster.StartAsync(allowExternal: false, TestContext.Current.CancellationToken);
        var connectionString = await cluster.CreateDatabaseAsync("gateway", TestContext.Current.CancellationToken);
        await using var gateway = new GatewayFactory(new Dictionary<string, string?>
        {
            ["Silo:Storage"] = "postgres",
            ["Silo:Postgres:ConnectionString"] = connectionString,
        });
        using var client = gateway.CreateClient();
        var readyz = new Uri("/readyz", UriKind.Relative);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(readyz, TestContext.Current.CancellationToken)).StatusCode);

        await cluster.StopAsync(TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync(readyz, TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/healthz", UriKind.Relative), TestContext.Current.CancellationToken)).StatusCode);

        await cluster.RestartAsync(TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(readyz, TestContext.Current.CancellationToken)).StatusCode);
    }

    public void Dispose() => Directory.Delete(_dataDirectory, recursive: true);
}
