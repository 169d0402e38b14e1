using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace Platform.Gateway.Tests.Guardrails;

/// <summary>
/// Connector authorization end to end against a real OAuth server (npm <c>oidc-provider</c>, PKCE required): the happy
/// path, a forged state, a reused code, a refresh the provider refuses, and a revocation in the middle of a run.
/// </summary>
[Collection(GuardrailGroup.Name)]
public sealed class ConnectorOAuthTests(GuardrailFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Authorizing_a_connector_connects_it_with_the_granted_scope_and_keeps_its_tokens_out_of_every_answer()
    {
        var ws = await fixture.CreateWorkspaceAsync();
        var (connectorId, redirect, cookie) = await ws.BeginAsync(new { kind = "slack", name = "eng slack", channels = new[] { "C0HAPPY01" } });
        var query = System.Web.HttpUtility.ParseQueryString(redirect.Query);

        using var callback = await ws.CallbackAsync(redirect, cookie);
        var connector = await ws.ConnectorAsync(connectorId);
        var secrets = await GuardrailFixture.ReadAsync(await ws.Owner.GetAsync(new Uri("/api/secrets", UriKind.Relative), Ct));

        Assert.Equal(HttpStatusCode.OK, callback.StatusCode);
        Assert.NotNull(query["code"]);
        Assert.StartsWith($"{ws.WorkspaceId}.", query["state"], StringComparison.Ordinal);
        Assert.Equal("connected", connector.GetProperty("status").GetString());
        Assert.Contains("chat:write", connector.GetProperty("grantedScope").GetString(), StringComparison.Ordinal);
        Assert.Equal(["C0HAPPY01"], connector.GetProperty("channels").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(
            [$"connector.{connectorId}.access_token", $"connector.{connectorId}.refresh_token"],
            secrets.EnumerateArray().Select(s => s.GetProperty("name").GetString()).Order(StringComparer.Ordinal));
        Assert.All(secrets.EnumerateArray(), s => Assert.Equal($"connector:{connectorId}", s.GetProperty("managedBy").GetString()));
        Assert.Equal(["connector.created", "connector.authorization_started", "connector.connected"], await ws.AuditKindsAsync("connector."));
        Assert.DoesNotContain(query["code"]!, await ws.AuditTextAsync(), StringComparison.Ordinal);
        // The test reads the secrets as the gateway would for this workspace: the runtime refuses calls acting for none.
        Platform.Silo.Isolation.TenantContext.Set(ws.WorkspaceId);
        var secretsGrain = fixture.Gateway.Services.GetRequiredService<IGrainFactory>().GetGrain<Platform.Grains.Interfaces.Secrets.ISecretsGrain>(ws.WorkspaceId);
        foreach (var token in new[] { "access_token", "refresh_token" })
        {
            var value = await secretsGrain.ResolveAsync($"connector.{connectorId}.{token}", "test: leak check");
            fixture.AssertNotLogged(value);
            Assert.DoesNotContain(value, await ws.AuditTextAsync(), StringComparison.Ordinal);
            Assert.DoesNotContain(value, connector.GetRawText(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_callback_with_a_forged_state_is_refused_and_the_real_one_still_works()
    {
        var ws = await fixture.CreateWorkspaceAsync();
        var (connectorId, redirect, cookie) = await ws.BeginAsync(new { kind = "gitHub", name = "code", repositories = new[] { "acme/state" } });
        var query = System.Web.HttpUtility.ParseQueryString(redirect.Query);
        var forged = new Uri($"{GuardrailFixture.RedirectUri}?code={Uri.EscapeDataString(query["code"]!)}&state={Uri.EscapeDataString($"{ws.WorkspaceId}.{connectorId}.{new string('A', 43)}")}");

        using var refused = await ws.CallbackAsync(forged, cookie);
        var afterForgery = await ws.ConnectorAsync(connectorId);
        using var accepted = await ws.CallbackAsync(redirect, cookie);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal("pendingAuthorization", afterForgery.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal("connected", (await ws.ConnectorAsync(connectorId)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_redirect_arriving_in_another_browser_waits_until_an_admin_confirms_with_the_code_shown_there()
    {
        // Login CSRF: an admin of one workspace sends their authorization link to someone else, whose browser completes
        // it at the provider. The grant must not become usable in the sender's workspace on its own.
        var ws = await fixture.CreateWorkspaceAsync();
        var (connectorId, redirect, _) = await ws.BeginAsync(new { kind = "gitHub", name = "csrf", repositories = new[] { "victim/private" } });
        fixture.GitHub.SeedFile("victim/private", "secrets.txt", "victim data");

        using var otherBrowser = await ws.CallbackAsync(redirect, cookie: null);
        var page = await otherBrowser.Content.ReadAsStringAsync(Ct);
        var confirmation = System.Text.RegularExpressions.Regex.Match(page, "Confirmation code: ([A-Z0-9]{10})").Groups[1].Value;
        var awaiting = await ws.ConnectorAsync(connectorId);
        fixture.Model.EnqueueToolCalls([("c1", "github_read_file", JsonSerializer.Serialize(new { connector = connectorId, repository = "victim/private", path = "secrets.txt" }))], 40, 10);
        fixture.Model.EnqueueText("Could not read.", 40, 5);
        var runId = await ws.StartRunAsync("read the victim's file");
        await ws.PollRunAsync(runId, "completed");
        using var wrong = await ws.Owner.PostAsJsonAsync($"/api/connectors/{connectorId}/confirm", new { confirmationCode = "AAAAAAAAAA" }, Ct);
        using var right = await ws.Owner.PostAsJsonAsync($"/api/connectors/{connectorId}/confirm", new { confirmationCode = confirmation }, Ct);

        Assert.Equal(HttpStatusCode.OK, otherBrowser.StatusCode);
        Assert.Equal(10, confirmation.Length);
        Assert.Equal("awaitingConfirmation", awaiting.GetProperty("status").GetString());
        Assert.Contains((await ws.ReceiptAsync(runId)).GetProperty("notices").EnumerateArray(), n => n.GetString()!.Contains("not connected (AwaitingConfirmation)", StringComparison.Ordinal));
        Assert.DoesNotContain(fixture.GitHub.Requests, r => r.Path.Contains("victim/private", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Equal("connected", (await ws.ConnectorAsync(connectorId)).GetProperty("status").GetString());
        Assert.Contains("connector.awaiting_confirmation", await ws.AuditKindsAsync("connector."));
    }

    [Fact]
    public async Task A_response_naming_another_issuer_is_refused_and_the_real_one_still_completes()
    {
        // The mix-up attack: a code from another provider arrives at the shared callback claiming to be this one's.
        var ws = await fixture.CreateWorkspaceAsync();
        var (connectorId, redirect, cookie) = await ws.BeginAsync(new { kind = "slack", name = "mixup", channels = new[] { "C0MIXUP01" } });
        var query = System.Web.HttpUtility.ParseQueryString(redirect.Query);
        Assert.Equal(fixture.OAuth.Issuer.AbsoluteUri.TrimEnd('/'), query["iss"]?.TrimEnd('/'));
        query["iss"] = "https://evil-provider.example";
        var mixedUp = new Uri($"{GuardrailFixture.RedirectUri}?{query}");

        using var refused = await ws.CallbackAsync(mixedUp, cookie);
        using var accepted = await ws.CallbackAsync(redirect, cookie);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal("connected", (await ws.ConnectorAsync(connectorId)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_declined_consent_leaves_the_connector_pending_and_is_audited()
    {
        var ws = await fixture.CreateWorkspaceAsync();
        var (connectorId, redirect, cookie) = await ws.BeginAsync(new { kind = "slack", name = "declined", channels = new[] { "C0DECLINE" } }, consent: false);

        using var callback = await ws.CallbackAsync(redirect, cookie);

        Assert.Equal(HttpStatusCode.BadRequest, callback.StatusCode);
        Assert.Equal("pendingAuthorization", (await ws.ConnectorAsync(connectorId)).GetProperty("status").GetString());
        Assert.Contains("connector.authorization_failed", await ws.AuditKindsAsync("connector."));
    }

    [Fact]
    public async Task A_reused_code_is_refused_by_the_platform_and_by_the_provider_and_gains_an_attacker_nothing()
    {
        var ws = await fixture.CreateWorkspaceAsync();
        var (connectorId, redirect, cookie) = await ws.BeginAsync(new { kind = "slack", name = "replayed", channels = new[] { "C0REPLAY1" } });
        fixture.Slack.AddChannel("C0REPLAY1");
        using var first = await ws.CallbackAsync(redirect, cookie);

        // The platform refuses a replayed callback itself: its state is used up, so the code never reaches the provider again.
        using var replayedCallback = await ws.CallbackAsync(redirect, cookie);

        // An attacker who intercepted the code cannot redeem it: it is spent, and without the PKCE verifier it is useless anyway.
        var code = System.Web.HttpUtility.ParseQueryString(redirect.Query)["code"]!;
        using var attacker = new HttpClient();
        using var reuse = await attacker.PostAsync(fixture.OAuth.TokenEndpoint, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = GuardrailFixture.RedirectUri,
            ["client_id"] = fixture.OAuth.ClientId,
            ["client_secret"] = fixture.OAuth.ClientSecret,
            ["code_verifier"] = new string('x', 43),
        }), Ct);
        var reuseError = await reuse.Content.ReadFromJsonAsync<JsonElement>(Ct);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, replayedCallback.StatusCode);
        Assert.Equal("application/problem+json", replayedCallback.Content.Headers.ContentType?.MediaType);
        Assert.Equal("invalid_grant", reuseError.GetProperty("error").GetString());
        Assert.Equal("connected", (await ws.ConnectorAsync(connectorId)).GetProperty("status").GetString());
        Assert.Equal(["connector.created", "connector.authorization_started", "connector.connected"], await ws.AuditKindsAsync("connector."));
    }

    [Fact]
    public async Task A_refresh_the_provider_answers_with_invalid_grant_puts_the_connector_in_reconnect_needed()
    {
        var ws = await fixture.CreateWorkspaceAsync();
        var connectorId = await ws.ConnectSlackAsync("C0REFRESH");

        // The account owner removes the app at the provider: the refresh token (and its grant) is revoked there.
        Platform.Silo.Isolation.TenantContext.Set(ws.WorkspaceId);
        var refreshToken = await fixture.Gateway.Services.GetRequiredService<IGrainFactory>()
            .GetGrain<Platform.Grains.Interfaces.Secrets.ISecretsGrain>(ws.WorkspaceId).ResolveAsync($"connector.{connectorId}.refresh_token", "test: the provider's side");
        using (var provider = new HttpClient())
        {
            using var revoked = await provider.PostAsync(fixture.OAuth.RevocationEndpoint, new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["token"] = refreshToken,
                ["token_type_hint"] = "refresh_token",
                ["client_id"] = fixture.OAuth.ClientId,
                ["client_secret"] = fixture.OAuth.ClientSecret,
            }), Ct);
            revoked.EnsureSuccessStatusCode();
        }

        fixture.Gateway.Time.Advance(TimeSpan.FromHours(2));
        fixture.Model.EnqueueToolCalls([("c1", "slack_read_history", JsonSerializer.Serialize(new { connector = connectorId, channel = "C0REFRESH" }))], 40, 10);
        fixture.Model.EnqueueText("Could not read.", 40, 5);
        var runId = await ws.StartRunAsync("read the channel");
        await ws.PollRunAsync(runId, "completed");
        var connector = await ws.ConnectorAsync(connectorId);
        var receipt = await ws.ReceiptAsync(runId);

        Assert.Equal("reconnectNeeded", connector.GetProperty("status").GetString());
        Assert.Contains("invalid_grant", connector.GetProperty("statusReason").GetString(), StringComparison.Ordinal);
        Assert.Contains(receipt.GetProperty("notices").EnumerateArray(), n => n.GetString()!.Contains("needs reconnecting", StringComparison.Ordinal));
        Assert.Contains("connector.reconnect_needed", await ws.AuditKindsAsync("connector."));
        Assert.Empty((await GuardrailFixture.ReadAsync(await ws.Owner.GetAsync(new Uri("/api/secrets", UriKind.Relative), Ct))).EnumerateArray());

        // Reconnecting is a new authorization of the same connector.
        var (again, againCookie) = await ws.AuthorizeAsync(connectorId);
        using var callback = await ws.CallbackAsync(again, againCookie);
        Assert.Equal("connected", (await ws.ConnectorAsync(connectorId)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task An_expiring_token_is_refreshed_before_use()
    {
        var ws = await fixture.CreateWorkspaceAsync();
        var connectorId = await ws.ConnectGitHubAsync("acme/refresh");
        fixture.GitHub.SeedFile("acme/refresh", "README.md", "hello");
        var before = await SecretVersionsAsync(ws);

        fixture.Gateway.Time.Advance(TimeSpan.FromHours(2));
        fixture.Model.EnqueueToolCalls([("c1", "github_read_file", JsonSerializer.Serialize(new { connector = connectorId, repository = "acme/refresh", path = "README.md" }))], 40, 10);
        fixture.Model.EnqueueText("It says hello.", 40, 5);
        var runId = await ws.StartRunAsync("read the readme");
        await ws.PollRunAsync(runId, "completed");

        var receipt = await ws.ReceiptAsync(runId);
        Assert.Equal(0, receipt.GetProperty("notices").GetArrayLength());
        Assert.Contains("github.read_file", receipt.GetProperty("did").GetString(), StringComparison.Ordinal);
        Assert.Contains("connector.refreshed", await ws.AuditKindsAsync("connector."));
        Assert.NotEqual(before, await SecretVersionsAsync(ws));
    }

    [Fact]
    public async Task Revoking_a_connector_stops_the_run_waiting_on_it_and_makes_it_dark_on_the_next_call()
    {
        var ws = await fixture.CreateWorkspaceAsync();
        var slack = await ws.ConnectSlackAsync("C0REVOKE1");
        fixture.Model.EnqueueToolCalls([("c1", "slack_post_message", JsonSerializer.Serialize(new { connector = slack, channel = "C0REVOKE1", text = "release notes" }))], 40, 10);
        var runId = await ws.StartRunAsync("post the release notes");
        var waiting = await ws.PollRunAsync(runId, "waitingForApproval");

        var revoked = await GuardrailFixture.ReadAsync(await ws.Owner.PostAsync(new Uri($"/api/connectors/{slack}/revoke", UriKind.Relative), null, Ct));
        await ws.PollRunAsync(runId, "cancelled");
        var receipt = await ws.ReceiptAsync(runId);
        using var lateApproval = await ws.Approver.PostAsJsonAsync($"/api/approvals/{waiting.GetProperty("pendingApprovalId").GetString()}/approve", new { comment = "too late" }, Ct);

        fixture.Model.EnqueueToolCalls([("c2", "slack_read_history", JsonSerializer.Serialize(new { connector = slack, channel = "C0REVOKE1" }))], 40, 10);
        fixture.Model.EnqueueText("The connector is gone.", 40, 5);
        var next = await ws.StartRunAsync("read the channel");
        await ws.PollRunAsync(next, "completed");

        Assert.Equal("revoked", revoked.GetProperty("status").GetString());
        Assert.Contains(receipt.GetProperty("notices").EnumerateArray(), n => n.GetString()!.Contains($"connector team slack ({slack}) was revoked", StringComparison.Ordinal));
        Assert.DoesNotContain(fixture.Slack.Posted, p => p.Channel == "C0REVOKE1");
        Assert.DoesNotContain(fixture.Slack.Requests, r => r.Path.Contains("C0REVOKE1", StringComparison.Ordinal) || r.Body.Contains("C0REVOKE1", StringComparison.Ordinal));
        Assert.Contains((await ws.ReceiptAsync(next)).GetProperty("notices").EnumerateArray(), n => n.GetString()!.Contains("not connected (Revoked)", StringComparison.Ordinal));
        Assert.Contains("connector.revoked", await ws.AuditKindsAsync("connector."));
        Assert.Empty((await GuardrailFixture.ReadAsync(await ws.Owner.GetAsync(new Uri("/api/secrets", UriKind.Relative), Ct))).EnumerateArray());

        // The revocation is announced once on the bus, naming the connector and the run it stopped, never its token.
        JsonElement[] announced = [];
        await ProcessFlow.UntilAsync("the revocation in the workspace's event feed", async () =>
        {
            announced = [.. (await GuardrailFixture.ReadAsync(await ws.Owner.GetAsync(new Uri("/api/events", UriKind.Relative), Ct))).EnumerateArray()
                .Where(static e => e.GetProperty("type").GetString() == "connector.revoked")];
            return announced.Length > 0;
        });
        var summary = Assert.Single(announced).GetProperty("summary").GetString()!;
        Assert.Contains($"Connector {slack} (slack) revoked by ", summary, StringComparison.Ordinal);
        Assert.Contains("1 run(s)", summary, StringComparison.Ordinal);
        Assert.False(lateApproval.IsSuccessStatusCode && fixture.Slack.Posted.Any(p => p.Channel == "C0REVOKE1"));
    }

    [Theory]
    [InlineData("""{"kind":"slack","name":"wide","channels":[]}""")]
    [InlineData("""{"kind":"slack","name":"bad","channels":["#general"]}""")]
    [InlineData("""{"kind":"gitHub","name":"everything","repositories":["acme/*"]}""")]
    [InlineData("""{"kind":"http","name":"creds","allowedUrls":["https://user:pass@example.test/"]}""")]
    [InlineData("""{"kind":"http","name":"nohandle","allowedUrls":["https://example.test/"],"authorizationSecret":"secret://missing"}""")]
    [InlineData("""{"kind":"slack","name":"mixed","channels":["C0MIXED01"],"repositories":["acme/site"]}""")]
    public async Task A_connector_without_a_narrow_well_formed_scope_is_refused_and_nothing_is_created(string body)
    {
        var ws = await fixture.CreateWorkspaceAsync();

        using var response = await ws.Owner.PostAsync(new Uri("/api/connectors", UriKind.Relative), new StringContent(body, System.Text.Encoding.UTF8, "application/json"), Ct);
        var listed = await GuardrailFixture.ReadAsync(await ws.Owner.GetAsync(new Uri("/api/connectors", UriKind.Relative), Ct));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, listed.GetArrayLength());
    }

    private static async Task<string> SecretVersionsAsync(GuardedWorkspace ws)
    {
        var secrets = await GuardrailFixture.ReadAsync(await ws.Owner.GetAsync(new Uri("/api/secrets", UriKind.Relative), Ct));
        return string.Join(",", secrets.EnumerateArray().Select(s => $"{s.GetProperty("name").GetString()}:{s.GetProperty("version").GetInt32()}"));
    }
}
