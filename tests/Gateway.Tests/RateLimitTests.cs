using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Platform.Gateway.Tests;

public sealed class RateLimitTests : IDisposable
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("gateway-rate-").FullName;

    [Fact]
    public async Task Key_over_its_rate_gets_429_problem_details_while_another_key_is_unaffected()
    {
        await using var gateway = new GatewayFactory(new Dictionary<string, string?>
        {
            ["Silo:Sqlite:DataDirectory"] = _dataDirectory,
            ["Platform:OperatorKey"] = ApiFixture.OperatorKey,
            ["Platform:Gateway:RequestsPerSecondPerKey"] = "1",
            ["Platform:Gateway:BurstPerKey"] = "3",
        });
        using var op = gateway.CreateClient();
        op.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiFixture.OperatorKey);
        var a = await (await op.PostAsJsonAsync("/api/workspaces", new { name = "A", ownerUserId = "a", ownerDisplayName = "A" }, TestContext.Current.CancellationToken)).Content.ReadFromJsonAsync<Created>(TestContext.Current.CancellationToken);
        var b = await (await op.PostAsJsonAsync("/api/workspaces", new { name = "B", ownerUserId = "b", ownerDisplayName = "B" }, TestContext.Current.CancellationToken)).Content.ReadFromJsonAsync<Created>(TestContext.Current.CancellationToken);
        using var clientA = gateway.CreateClient();
        clientA.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", a!.OwnerKey);
        using var clientB = gateway.CreateClient();
        clientB.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", b!.OwnerKey);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            statuses.Add((await clientA.GetAsync(new Uri("/api/workspace", UriKind.Relative), TestContext.Current.CancellationToken)).StatusCode);
        }

        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        Assert.Equal(HttpStatusCode.OK, (await clientB.GetAsync(new Uri("/api/workspace", UriKind.Relative), TestContext.Current.CancellationToken)).StatusCode);
    }

    [Fact]
    public async Task A_proxy_key_over_its_rate_gets_429_in_OpenAIs_error_shape_and_its_calls_stop_reaching_the_provider()
    {
        await using var upstream = await Platform.Testing.FakeOpenAiServer.StartAsync();
        await using var gateway = new GatewayFactory(new Dictionary<string, string?>
        {
            ["Silo:Sqlite:DataDirectory"] = _dataDirectory,
            ["Platform:OperatorKey"] = ApiFixture.OperatorKey,
            ["Platform:Gateway:RequestsPerSecondPerKey"] = "1",
            ["Platform:Gateway:BurstPerKey"] = "40",
            ["Platform:Models:OpenAI:AllowedBaseUrls:0"] = "http://127.0.0.1/",
        });
        var ct = TestContext.Current.CancellationToken;
        using var op = gateway.CreateClient();
        op.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiFixture.OperatorKey);
        var a = await (await op.PostAsJsonAsync("/api/workspaces", new { name = "A", ownerUserId = "a", ownerDisplayName = "A" }, ct)).Content.ReadFromJsonAsync<Created>(ct);
        using var owner = gateway.CreateClient();
        owner.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", a!.OwnerKey);
        (await owner.PutAsJsonAsync("/api/budget", new { monthlyCapMicros = 1_000_000 }, ct)).EnsureSuccessStatusCode();
        (await op.PutAsJsonAsync("/api/catalog/models/m", new { provider = "openai", model = "m", baseUrl = upstream.BaseUrl.AbsoluteUri, inputPricePer1kTokens = 1, outputPricePer1kTokens = 1, maxOutputTokens = 10 }, ct)).EnsureSuccessStatusCode();
        (await owner.PatchAsJsonAsync("/api/workspace", new { model = new { catalogId = "m" } }, ct)).EnsureSuccessStatusCode();
        var key = await (await owner.PostAsJsonAsync("/api/keys", new { name = "app", userId = "a", scopes = new[] { "proxy" } }, ct)).Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(ct);
        using var app = gateway.CreateClient();
        app.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key.GetProperty("token").GetString());
        for (var i = 0; i < 60; i++)
        {
            upstream.EnqueueText("ok", 1, 1);
        }

        var responses = new List<HttpResponseMessage>();
        for (var i = 0; i < 60; i++)
        {
            responses.Add(await app.PostAsJsonAsync("/v1/chat/completions", new { model = "m", messages = new[] { new { role = "user", content = "hi" } } }, ct));
        }

        var limited = responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.NotEmpty(limited);
        var error = (await limited[0].Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(ct)).GetProperty("error");
        Assert.Equal("rate_limit_exceeded", error.GetProperty("type").GetString());
        Assert.NotNull(limited[0].Headers.RetryAfter);
        Assert.Equal(responses.Count - limited.Count, upstream.Requests.Count);
    }

    [Fact]
    public async Task A_flood_of_bad_keys_is_limited_but_cannot_make_the_health_probes_answer_429()
    {
        await using var gateway = Limited(burst: 3);
        using var client = gateway.CreateClient();

        var flood = new List<HttpStatusCode>();
        for (var i = 0; i < 20; i++)
        {
            flood.Add((await HttpProbe.SendAsync(client, HttpMethod.Get, "/api/workspace", bearer: $"plat_bad_{i}")).StatusCode);
        }

        Assert.Contains(HttpStatusCode.TooManyRequests, flood);
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await HttpProbe.SendAsync(client, HttpMethod.Get, "/healthz")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await HttpProbe.SendAsync(client, HttpMethod.Get, "/readyz")).StatusCode);
        }
    }

    [Fact]
    public async Task Without_a_configured_proxy_a_forged_X_Forwarded_For_does_not_buy_a_fresh_bucket()
    {
        await using var gateway = Limited(burst: 3, connectionAddress: "10.1.1.1");
        using var client = gateway.CreateClient();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 10; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/workspace", UriKind.Relative));
            request.Headers.Add("X-Forwarded-For", $"203.0.113.{i}");
            statuses.Add((await client.SendAsync(request, TestContext.Current.CancellationToken)).StatusCode);
        }

        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
    }

    [Fact]
    public async Task Behind_a_configured_proxy_each_forwarded_client_has_its_own_bucket()
    {
        await using var gateway = Limited(burst: 3, connectionAddress: "10.1.1.1", ("Platform:Gateway:KnownProxies:0", "10.1.1.1"));
        using var client = gateway.CreateClient();

        async Task<HttpStatusCode> FromAsync(string address)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/workspace", UriKind.Relative));
            request.Headers.Add("X-Forwarded-For", address);
            return (await client.SendAsync(request, TestContext.Current.CancellationToken)).StatusCode;
        }

        var flood = new List<HttpStatusCode>();
        for (var i = 0; i < 10; i++)
        {
            flood.Add(await FromAsync("203.0.113.7"));
        }

        Assert.Contains(HttpStatusCode.TooManyRequests, flood);
        Assert.Equal(HttpStatusCode.Unauthorized, await FromAsync("203.0.113.8"));
    }

    [Fact]
    public void A_known_proxy_that_is_not_an_address_stops_the_host_naming_the_setting()
    {
        using var gateway = Limited(burst: 3, connectionAddress: null, ("Platform:Gateway:KnownProxies:0", "proxy.internal"));

        var exception = Assert.ThrowsAny<Exception>(() => gateway.CreateClient());

        Assert.Contains("Platform:Gateway:KnownProxies:0 is 'proxy.internal', which is not an IP address", exception.ToString(), StringComparison.Ordinal);
    }

    private GatewayFactory Limited(int burst, string? connectionAddress = null, params (string Key, string Value)[] settings)
    {
        var all = new Dictionary<string, string?>
        {
            ["Silo:Sqlite:DataDirectory"] = _dataDirectory,
            ["Platform:OperatorKey"] = ApiFixture.OperatorKey,
            ["Platform:Gateway:RequestsPerSecondPerKey"] = "1",
            ["Platform:Gateway:BurstPerKey"] = burst.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }

        return new GatewayFactory(all)
        {
            TestServices = services =>
            {
                if (connectionAddress is not null)
                {
                    services.AddSingleton<Microsoft.AspNetCore.Hosting.IStartupFilter>(new ConnectionAddress(System.Net.IPAddress.Parse(connectionAddress)));
                }
            },
        };
    }

    /// <summary>The test server has no sockets: this gives every request the peer address a real connection would.</summary>
    private sealed class ConnectionAddress(System.Net.IPAddress address) : Microsoft.AspNetCore.Hosting.IStartupFilter
    {
        public Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> Configure(Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> next) => app =>
        {
            app.Use((Microsoft.AspNetCore.Http.HttpContext context, Microsoft.AspNetCore.Http.RequestDelegate following) =>
            {
                context.Connection.RemoteIpAddress = address;
                return following(context);
            });
            next(app);
        };
    }

    public void Dispose() => Directory.Delete(_dataDirectory, recursive: true);

    private sealed record Created(string WorkspaceId, string OwnerKey);
}
