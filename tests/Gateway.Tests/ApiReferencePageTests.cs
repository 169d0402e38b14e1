using System.Net;
using System.Text.RegularExpressions;

namespace Platform.Gateway.Tests;

/// <summary>
/// The partners' interactive API reference at <c>/docs/api</c>: public, served wholly by the gateway, over the same
/// OpenAPI document, under a content policy of its own that lets in only the gateway's scripts carrying the response's nonce.
/// </summary>
public sealed partial class ApiReferencePageTests : IAsyncLifetime
{
    private GatewayFactory _gateway = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync()
    {
        _gateway = new GatewayFactory(new Dictionary<string, string?>());
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task The_reference_loads_only_the_gateways_own_scripts_each_with_the_responses_nonce()
    {
        using var client = _gateway.CreateClient();

        var page = await client.GetAsync(new Uri("/docs/api/", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var policy = string.Join(" ", page.Headers.GetValues("Content-Security-Policy"));
        var nonce = Nonce().Match(policy).Groups["nonce"].Value;
        Assert.NotEmpty(nonce);
        Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
        Assert.Contains("connect-src 'self'", policy, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", policy, StringComparison.Ordinal);
        var html = await page.Content.ReadAsStringAsync(Ct);
        var scripts = ScriptTag().Matches(html);
        Assert.NotEmpty(scripts);
        Assert.All(scripts, s => Assert.Contains($"nonce=\"{nonce}\"", WebUtility.HtmlDecode(s.Value), StringComparison.Ordinal));
        Assert.DoesNotContain("://", html, StringComparison.Ordinal);
        Assert.Contains("\"url\":\"openapi/v1.json\"", html, StringComparison.Ordinal);

        // Scalar's calls home are off: usage telemetry, its AI agent and MCP helpers, the toolbar to its cloud.
        Assert.Contains("\"telemetry\":false", html, StringComparison.Ordinal);
        Assert.Contains("\"agent\":{\"disabled\":true}", html, StringComparison.Ordinal);
        Assert.Contains("\"mcp\":{\"disabled\":true}", html, StringComparison.Ordinal);
        Assert.Contains("\"showDeveloperTools\":\"never\"", html, StringComparison.Ordinal);

        foreach (Match source in ScriptSource().Matches(html))
        {
            var script = await client.GetAsync(new Uri($"/docs/api/{source.Groups["src"].Value}", UriKind.Relative), Ct);
            Assert.Equal(HttpStatusCode.OK, script.StatusCode);
            Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        }

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative), Ct)).StatusCode);
    }

    [Fact]
    public async Task Each_response_gets_a_fresh_nonce_and_every_other_response_keeps_the_strict_policy()
    {
        using var client = _gateway.CreateClient();

        var first = await client.GetAsync(new Uri("/docs/api/", UriKind.Relative), Ct);
        var second = await client.GetAsync(new Uri("/docs/api/", UriKind.Relative), Ct);
        var api = await client.GetAsync(new Uri("/healthz", UriKind.Relative), Ct);

        Assert.NotEqual(Nonce().Match(first.Headers.GetValues("Content-Security-Policy").Single()).Value, Nonce().Match(second.Headers.GetValues("Content-Security-Policy").Single()).Value);
        Assert.Equal("default-src 'none'; frame-ancestors 'none'", api.Headers.GetValues("Content-Security-Policy").Single());
    }

    [GeneratedRegex("'nonce-(?<nonce>[A-Za-z0-9+/=]+)'")]
    private static partial Regex Nonce();

    [GeneratedRegex("<script[^>]*>")]
    private static partial Regex ScriptTag();

    [GeneratedRegex("<script[^>]*\\ssrc=\"(?<src>[^\"]+)\"")]
    private static partial Regex ScriptSource();
}
