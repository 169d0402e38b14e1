using System.Net.Http.Json;
using System.Text.Json;

namespace Platform.Gateway.Tests.Guardrails;

/// <summary>A workspace of <see cref="GuardrailFixture"/> and the steps its tests take through the HTTP API.</summary>
/// <param name="Fixture">Its fixture.</param>
/// <param name="WorkspaceId">Its id.</param>
/// <param name="Owner">Its owner's client (every scope an owner key has).</param>
/// <param name="Approver">An approver's client.</param>
/// <param name="Proxy">A client with a proxy-scoped key, for <c>/v1/chat/completions</c>.</param>
public sealed record GuardedWorkspace(GuardrailFixture Fixture, string WorkspaceId, HttpClient Owner, HttpClient Approver, HttpClient Proxy)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Creates and authorizes a Slack connector for <paramref name="channels"/>; answers its id.</summary>
    public async Task<string> ConnectSlackAsync(params string[] channels)
    {
        foreach (var channel in channels)
        {
            Fixture.Slack.AddChannel(channel);
        }

        return await ConnectAsync(new { kind = "slack", name = "team slack", channels });
    }

    /// <summary>Creates and authorizes a GitHub connector for <paramref name="repositories"/>; answers its id.</summary>
    public async Task<string> ConnectGitHubAsync(params string[] repositories)
    {
        foreach (var repository in repositories)
        {
            Fixture.GitHub.AddRepository(repository);
        }

        return await ConnectAsync(new { kind = "gitHub", name = "code", repositories });
    }

    /// <summary>Creates a connector and starts its authorization; answers its id, the provider's redirect back and the starting browser's cookie.</summary>
    public async Task<(string ConnectorId, Uri Redirect, string Cookie)> BeginAsync(object request, bool consent = true)
    {
        var created = await GuardrailFixture.ReadAsync(await Owner.PostAsJsonAsync("/api/connectors", request, Ct));
        var connectorId = created.GetProperty("connectorId").GetString()!;
        var (redirect, cookie) = await AuthorizeAsync(connectorId, consent);
        return (connectorId, redirect, cookie);
    }

    /// <summary>Starts (again) the authorization of a connector in "this browser"; answers the provider's redirect and the cookie it set.</summary>
    public async Task<(Uri Redirect, string Cookie)> AuthorizeAsync(string connectorId, bool consent = true)
    {
        using var response = await Owner.PostAsync(new Uri($"/api/connectors/{connectorId}/authorize", UriKind.Relative), null, Ct);
        var start = await GuardrailFixture.ReadAsync(response);
        var cookie = response.Headers.GetValues("Set-Cookie").Single().Split(';')[0];
        var redirect = await Fixture.OAuth.AuthorizeAsBrowserAsync(new Uri(start.GetProperty("authorizationUrl").GetString()!), consent, Ct);
        return (redirect, cookie);
    }

    /// <summary>Delivers the provider's redirect to the platform, as a browser would (no API key), with that browser's cookie if any.</summary>
    public async Task<HttpResponseMessage> CallbackAsync(Uri redirect, string? cookie)
    {
        using var browser = Fixture.Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(redirect.PathAndQuery, UriKind.Relative));
        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }

        return await browser.SendAsync(request, Ct);
    }

    /// <summary>Creates an HTTP connector; answers its id.</summary>
    public async Task<string> CreateHttpConnectorAsync(string[] allowedUrls, string? authorizationSecret = null)
    {
        var created = await GuardrailFixture.ReadAsync(await Owner.PostAsJsonAsync("/api/connectors", new { kind = "http", name = "partner api", allowedUrls, authorizationSecret }, Ct));
        return created.GetProperty("connectorId").GetString()!;
    }

    public async Task<JsonElement> ConnectorAsync(string connectorId) =>
        await GuardrailFixture.ReadAsync(await Owner.GetAsync(new Uri($"/api/connectors/{connectorId}", UriKind.Relative), Ct));

    public async Task SetSecretAsync(string name, string value) =>
        await GuardrailFixture.ReadAsync(await Owner.PutAsJsonAsync($"/api/secrets/{name}", new { value }, Ct));

    public async Task<string> StartRunAsync(string input) =>
        (await GuardrailFixture.ReadAsync(await Owner.PostAsJsonAsync("/api/runs", new { input }, Ct))).GetProperty("runId").GetString()!;

    public Task<JsonElement> PollRunAsync(string runId, string status) => ProcessFlow.PollRunAsync(Owner, runId, status);

    public async Task<JsonElement> ReceiptAsync(string runId) =>
        await GuardrailFixture.ReadAsync(await Owner.GetAsync(new Uri($"/api/runs/{runId}/receipt", UriKind.Relative), Ct));

    public async Task<JsonElement> ApproveAsync(string approvalId) =>
        await GuardrailFixture.ReadAsync(await Approver.PostAsJsonAsync($"/api/approvals/{approvalId}/approve", new { comment = "ok" }, Ct));

    /// <summary>The kinds of the audit entries whose kind starts with <paramref name="prefix"/>, oldest first.</summary>
    public async Task<string[]> AuditKindsAsync(string prefix)
    {
        var audit = await GuardrailFixture.ReadAsync(await Owner.GetAsync(new Uri($"/api/audit?kind={prefix}&limit=1000", UriKind.Relative), Ct));
        return [.. audit.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("kind").GetString()!)];
    }

    /// <summary>The whole audit log as text (to prove a value is not in it).</summary>
    public async Task<string> AuditTextAsync() =>
        await Owner.GetStringAsync(new Uri("/api/audit?limit=1000", UriKind.Relative), Ct);

    private async Task<string> ConnectAsync(object request)
    {
        var (connectorId, redirect, cookie) = await BeginAsync(request);
        using var callback = await CallbackAsync(redirect, cookie);
        Assert.True(callback.IsSuccessStatusCode, $"callback answered {(int)callback.StatusCode}: {await callback.Content.ReadAsStringAsync(Ct)}");
        return connectorId;
    }
}
