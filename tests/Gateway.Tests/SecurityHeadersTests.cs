using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Platform.Gateway.Tests;

public sealed class SecurityHeadersTests : IAsyncLifetime
{
    private GatewayFactory _gateway = null!;

    public ValueTask InitializeAsync()
    {
        _gateway = Gateway(rate: 100000);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task Every_response_carries_the_security_headers_whatever_its_route_and_status()
    {
        using var client = _gateway.CreateClient();
        var owner = await OwnerKeyAsync(client);
        var proxy = await HttpProbe.ProxyKeyAsync(client, owner);
        var sweep = new (HttpMethod Method, string Path, string? Body, string? Bearer, HttpStatusCode Expected)[]
        {
            (HttpMethod.Get, "/healthz", null, null, HttpStatusCode.OK),
            (HttpMethod.Get, "/readyz", null, null, HttpStatusCode.OK),
            (HttpMethod.Get, "/api/workspace", null, owner, HttpStatusCode.OK),
            (HttpMethod.Get, "/api/keys", null, owner, HttpStatusCode.OK),
            (HttpMethod.Get, "/api/workspace", null, null, HttpStatusCode.Unauthorized),
            (HttpMethod.Get, "/api/workspace", null, "plat_nope", HttpStatusCode.Unauthorized),
            (HttpMethod.Get, "/api/secrets", null, proxy, HttpStatusCode.Forbidden),
            (HttpMethod.Put, "/api/budget", "{\"monthlyCapMicros\":\"lots\"}", owner, HttpStatusCode.BadRequest),
            (HttpMethod.Get, "/api/no-such-route", null, owner, HttpStatusCode.NotFound),
            (HttpMethod.Get, "/no-such-route", null, null, HttpStatusCode.NotFound),
            (HttpMethod.Delete, "/api/budget", null, owner, HttpStatusCode.MethodNotAllowed),
            (HttpMethod.Get, "/v1/models", null, proxy, HttpStatusCode.OK),
            (HttpMethod.Get, "/v1/models", null, null, HttpStatusCode.Unauthorized),
            (HttpMethod.Post, "/v1/responses", "{}", proxy, HttpStatusCode.NotFound),
            (HttpMethod.Post, "/v1/chat/completions", "{}", proxy, HttpStatusCode.BadRequest),
            (HttpMethod.Get, HttpProbe.FailingApiRoute, null, null, HttpStatusCode.InternalServerError),
            (HttpMethod.Get, HttpProbe.FailingV1Route, null, null, HttpStatusCode.InternalServerError),
        };

        foreach (var (method, path, body, bearer, expected) in sweep)
        {
            using var response = await HttpProbe.SendAsync(client, method, path, body, bearer: bearer);
            var what = $"{method} {path} ({(int)response.StatusCode})";
            Assert.True(expected == response.StatusCode, $"{what}: expected {(int)expected}");
            AssertSecurityHeaders(response, what);
            Assert.False(response.Headers.Contains("Strict-Transport-Security"), $"{what}: HSTS over plain HTTP");
            Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        }
    }

    [Fact]
    public async Task A_rate_limited_answer_carries_the_security_headers_too()
    {
        await using var limited = Gateway(rate: 1, burst: 1);
        using var client = limited.CreateClient();

        var statuses = new List<HttpResponseMessage>();
        for (var i = 0; i < 4; i++)
        {
            statuses.Add(await HttpProbe.SendAsync(client, HttpMethod.Get, "/api/workspace", bearer: "plat_flood"));
        }

        var refused = statuses.FirstOrDefault(r => r.StatusCode == HttpStatusCode.TooManyRequests) ?? throw new Xunit.Sdk.XunitException("no request was rate limited");
        AssertSecurityHeaders(refused, "429");
    }

    [Fact]
    public async Task Over_https_the_answer_adds_HSTS_for_a_year()
    {
        using var client = _gateway.CreateClient(new() { BaseAddress = new Uri("https://localhost/") });

        using var response = await HttpProbe.SendAsync(client, HttpMethod.Get, "/healthz");

        AssertSecurityHeaders(response, "https /healthz");
        Assert.Equal("max-age=31536000; includeSubDomains", Assert.Single(response.Headers.GetValues("Strict-Transport-Security")));
    }

    [Fact]
    public async Task The_public_OpenAPI_document_has_the_headers_but_may_be_cached()
    {
        using var client = _gateway.CreateClient();

        using var response = await HttpProbe.SendAsync(client, HttpMethod.Get, "/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertSecurityHeaders(response, "openapi");
        Assert.Null(response.Headers.CacheControl);
    }

    private static void AssertSecurityHeaders(HttpResponseMessage response, string what)
    {
        string Header(string name) =>
            response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
                ? string.Join(",", values)
                : throw new Xunit.Sdk.XunitException($"{what}: no {name} header");
        Assert.Equal("nosniff", Header("X-Content-Type-Options"));
        Assert.Equal("no-referrer", Header("Referrer-Policy"));
        Assert.Equal("same-origin", Header("Cross-Origin-Opener-Policy"));
        Assert.Equal("same-origin", Header("Cross-Origin-Resource-Policy"));
        Assert.Equal("DENY", Header("X-Frame-Options"));
        Assert.Equal("default-src 'none'; frame-ancestors 'none'", Header("Content-Security-Policy"));
        Assert.Contains("camera=()", Header("Permissions-Policy"), StringComparison.Ordinal);
        Assert.Contains("geolocation=()", Header("Permissions-Policy"), StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(Header("X-Request-Id")), $"{what}: empty request id");
    }

    private static GatewayFactory Gateway(int rate, int burst = 100000) => new(new Dictionary<string, string?>
    {
        ["Platform:OperatorKey"] = ApiFixture.OperatorKey,
        ["Platform:Gateway:RequestsPerSecondPerKey"] = rate.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Platform:Gateway:BurstPerKey"] = burst.ToString(System.Globalization.CultureInfo.InvariantCulture),
    })
    {
        TestServices = static services => services.AddSingleton<IStartupFilter, HttpProbe.FailingRoutes>(),
    };

    internal static async Task<string> OwnerKeyAsync(HttpClient client)
    {
        using var created = await HttpProbe.SendAsync(client, HttpMethod.Post, "/api/workspaces", """{"name":"Acme","ownerUserId":"owner@acme.test","ownerDisplayName":"Olive"}""", bearer: ApiFixture.OperatorKey);
        created.EnsureSuccessStatusCode();
        return (await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<System.Text.Json.JsonElement>(created.Content, HttpProbe.Ct)).GetProperty("ownerKey").GetString()!;
    }
}
