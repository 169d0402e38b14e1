using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;

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

    public void Dispose() => Directory.Delete(_dataDirectory, recursive: true);

    private sealed record Created(string WorkspaceId, string OwnerKey);
}
