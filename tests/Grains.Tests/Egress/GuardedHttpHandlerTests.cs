using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Platform.Grains.Egress;
using Platform.Testing;

namespace Platform.Grains.Tests.Egress;

/// <summary>The guarded handler against a real Kestrel server on loopback, with scripted DNS.</summary>
public sealed class GuardedHttpHandlerTests : IAsyncLifetime
{
    private readonly ScriptedHostResolver _dns = new();
    private readonly RecordingConnector _connector = new();
    private LoopbackWebServer _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private int Port => _server.Address.Port;

    public async ValueTask InitializeAsync() =>
        _server = await LoopbackWebServer.StartAsync(static r => r.Path == "/moved" ? Results.Redirect("/internal") : Results.Ok());

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_loopback_server_is_refused_by_default()
    {
        using var client = Client();

        var refused = await Assert.ThrowsAsync<EgressRefusedException>(() => client.GetAsync(_server.Address, Ct));

        Assert.Equal("loopback", refused.Reason);
        Assert.Equal($"Refused the connection to 127.0.0.1:{Port}: the destination is a loopback address.", refused.Message);
        Assert.Empty(_connector.Attempts);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task A_loopback_server_is_reached_when_its_address_and_port_are_allowlisted()
    {
        using var client = Client($"127.0.0.1:{Port}");

        using var response = await client.GetAsync(new Uri(_server.Address, "hello"), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("/hello", Assert.Single(_server.Requests).Path);
    }

    [Fact]
    public async Task The_metadata_address_is_refused_without_a_connection_attempt()
    {
        using var client = Client();

        var refused = await Assert.ThrowsAsync<EgressRefusedException>(() => client.GetAsync(new Uri("http://169.254.169.254/latest/meta-data/"), Ct));

        Assert.Equal("link-local", refused.Reason);
        Assert.Empty(_connector.Attempts);
        Assert.Empty(_dns.Lookups);
    }

    [Fact]
    public async Task A_name_resolving_to_loopback_is_refused_even_though_the_loopback_literal_is_allowlisted()
    {
        _dns.Answer("internal.example.test", ["127.0.0.1"]);
        using var client = Client($"127.0.0.1:{Port}");

        var refused = await Assert.ThrowsAsync<EgressRefusedException>(() => client.GetAsync(new Uri($"http://internal.example.test:{Port}/"), Ct));

        Assert.Equal("internal.example.test", refused.Host);
        Assert.Equal("loopback", refused.Reason);
        Assert.Empty(_connector.Attempts);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task A_name_allowlisted_by_the_operator_may_resolve_to_a_private_address()
    {
        _dns.Answer("hooks.internal", ["127.0.0.1"]);
        using var client = Client($"hooks.internal:{Port}");

        using var response = await client.GetAsync(new Uri($"http://hooks.internal:{Port}/"), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_name_that_rebinds_to_loopback_is_refused_on_the_next_connection()
    {
        // 93.184.216.34 plays the public host; the connector routes it to the loopback server.
        _dns.Answer("rebind.example.test", ["93.184.216.34"], ["127.0.0.1"]);
        _connector.Route("93.184.216.34", "127.0.0.1");
        using var client = Client();
        var url = new Uri($"http://rebind.example.test:{Port}/");

        using var first = new HttpRequestMessage(HttpMethod.Get, url);
        first.Headers.ConnectionClose = true;
        using var firstResponse = await client.SendAsync(first, Ct);
        var refused = await Assert.ThrowsAsync<EgressRefusedException>(() => client.GetAsync(url, Ct));

        Assert.Equal(HttpStatusCode.OK, firstResponse.StatusCode);
        Assert.Equal("loopback", refused.Reason);
        Assert.Equal(["rebind.example.test", "rebind.example.test"], _dns.Lookups);
        Assert.Equal([new IPEndPoint(IPAddress.Parse("93.184.216.34"), Port)], _connector.Attempts);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task An_answer_with_any_non_public_address_is_refused()
    {
        _dns.Answer("mixed.example.test", ["93.184.216.34", "10.0.0.7"]);
        using var client = Client();

        var refused = await Assert.ThrowsAsync<EgressRefusedException>(() => client.GetAsync(new Uri("http://mixed.example.test/"), Ct));

        Assert.Equal("private", refused.Reason);
        Assert.Empty(_connector.Attempts);
    }

    [Fact]
    public async Task A_redirect_is_handed_back_to_the_caller_not_followed()
    {
        using var client = Client($"127.0.0.1:{Port}");

        using var response = await client.GetAsync(new Uri(_server.Address, "moved"), Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/moved", Assert.Single(_server.Requests).Path);
    }

    [Fact]
    public async Task The_IPv6_loopback_literal_is_refused()
    {
        using var client = Client($"127.0.0.1:{Port}");

        var refused = await Assert.ThrowsAsync<EgressRefusedException>(() => client.GetAsync(new Uri($"http://[::1]:{Port}/"), Ct));

        Assert.Equal("loopback", refused.Reason);
        Assert.Empty(_connector.Attempts);
    }

    [Fact]
    public async Task A_name_resolving_to_the_IPv6_loopback_is_refused()
    {
        _dns.Answer("six.example.test", ["::1"]);
        using var client = Client();

        var refused = await Assert.ThrowsAsync<EgressRefusedException>(() => client.GetAsync(new Uri("http://six.example.test/"), Ct));

        Assert.Equal("loopback", refused.Reason);
    }

    [Fact]
    public async Task A_request_asking_for_HTTP_3_still_goes_through_the_check()
    {
        using var client = Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, _server.Address) { Version = HttpVersion.Version30, VersionPolicy = HttpVersionPolicy.RequestVersionExact };

        await Assert.ThrowsAsync<EgressRefusedException>(() => client.SendAsync(request, Ct));
    }

    [Fact]
    public void The_handler_uses_no_proxy_redirects_cookies_or_decompression_and_bounds_pooled_connections()
    {
        using var handler = new GuardedHttpHandler(_dns, new EgressOptions(), NullLogger<GuardedHttpHandler>.Instance);

        Assert.False(handler.Sockets.UseProxy);
        Assert.False(handler.Sockets.AllowAutoRedirect);
        Assert.False(handler.Sockets.UseCookies);
        Assert.Equal(DecompressionMethods.None, handler.Sockets.AutomaticDecompression);
        Assert.True(handler.Sockets.PooledConnectionLifetime <= TimeSpan.FromMinutes(5));
        Assert.NotNull(handler.Sockets.ConnectCallback);
    }

    [Fact]
    public async Task A_guarded_named_client_uses_the_registered_resolver_and_the_configured_allowlist()
    {
        _dns.Answer("hooks.internal", ["127.0.0.1"]);
        _dns.Answer("other.internal", ["127.0.0.1"]);
        var services = new ServiceCollection().AddLogging().AddSingleton<IHostResolver>(_dns);
        services.Configure<EgressOptions>(o => o.PrivateNetworkAllowlist.Add($"hooks.internal:{Port}"));
        services.AddGuardedHttpClient("test");
        await using var provider = services.BuildServiceProvider();
        using var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient("test");

        using var allowed = await client.GetAsync(new Uri($"http://hooks.internal:{Port}/"), Ct);
        await Assert.ThrowsAsync<EgressRefusedException>(() => client.GetAsync(new Uri($"http://other.internal:{Port}/"), Ct));

        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }

    private HttpClient Client(params string[] allowlist) =>
        new(new GuardedHttpHandler(_dns, new EgressOptions { PrivateNetworkAllowlist = [.. allowlist] }, NullLogger.Instance, _connector.ConnectAsync));
}
