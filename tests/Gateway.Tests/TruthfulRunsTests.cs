using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Platform.Testing;

namespace Platform.Gateway.Tests;

/// <summary>
/// Runs tell the truth over HTTP: a failed send is answered as not sent with the reason, the receipt and events say why,
/// notes come back as text, and what could never succeed (a secret in the input, no cap, a webhook off the allowlist or
/// on a private address, a decision on a cancelled run) is refused when it is asked. On every store (see the subclasses).
/// </summary>
public abstract class TruthfulRunsTests : IAsyncLifetime
{
    private const string OperatorKey = "op_truthful_runs_operator_key_0123456789abcdef";
    private readonly int _closedSmtpPort = ClosedPort();
    private LoopbackWebServer _hooks = null!;
    private GatewayFactory _gateway = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _hooks = await LoopbackWebServer.StartAsync(static _ => Results.StatusCode(StatusCodes.Status403Forbidden));
        _gateway = new GatewayFactory(new Dictionary<string, string?>(await StoreSettingsAsync())
        {
            ["Platform:OperatorKey"] = OperatorKey,
            ["Platform:Smtp:Host"] = "127.0.0.1",
            ["Platform:Smtp:Port"] = _closedSmtpPort.ToString(CultureInfo.InvariantCulture),
            ["Platform:Egress:PrivateNetworkAllowlist:0"] = $"127.0.0.1:{_hooks.Address.Port}",
        });
    }

    [Fact]
    public async Task A_mail_the_relay_refuses_is_answered_as_not_sent_and_the_receipt_and_events_say_why()
    {
        using var owner = await WorkspaceAsync();

        var runId = await ProcessFlow.StartRunAsync(owner, "email bob@example.test that the report is ready");
        await ProcessFlow.PollRunAsync(owner, runId, "waitingForApproval");
        await ProcessFlow.ApproveOnlyPendingAsync(owner);
        var completed = await ProcessFlow.PollRunAsync(owner, runId, "completed");
        var receipt = await ProcessFlow.GetAsync(owner, $"/api/runs/{runId}/receipt");
        var stream = await owner.GetStringAsync(new Uri($"/api/runs/{runId}/events", UriKind.Relative), Ct);

        var why = $"the mail relay 127.0.0.1:{_closedSmtpPort} refused the connection";
        Assert.Equal($"The email to bob@example.test was not sent: {why}.", completed.GetProperty("answer").GetString());
        Assert.Contains($"email.send failed: {why}", receipt.GetProperty("did").GetString(), StringComparison.Ordinal);
        Assert.Contains($"email.send failed: {why}.", stream, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", stream, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stream, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_webhook_that_answers_403_is_answered_as_not_posted_and_the_receipt_says_so()
    {
        using var owner = await WorkspaceAsync();
        var hook = new Uri(_hooks.Address, "hooks/team").ToString();
        await ProcessFlow.ReadAsync(await owner.PatchAsJsonAsync("/api/workspace", new { webhookAllowlist = new[] { hook } }, Ct));

        var runId = await ProcessFlow.StartRunAsync(owner, "post deploy finished to this webhook");
        await ProcessFlow.PollRunAsync(owner, runId, "waitingForApproval");
        await ProcessFlow.ApproveOnlyPendingAsync(owner);
        var completed = await ProcessFlow.PollRunAsync(owner, runId, "completed");
        var receipt = await ProcessFlow.GetAsync(owner, $"/api/runs/{runId}/receipt");

        Assert.Single(_hooks.Requests);
        Assert.Equal("The message was not posted to the webhook: the webhook answered HTTP 403.", completed.GetProperty("answer").GetString());
        Assert.Contains("webhook.post failed: the webhook answered HTTP 403", receipt.GetProperty("did").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task What_are_my_notes_is_answered_with_the_notes_as_plain_text()
    {
        using var owner = await WorkspaceAsync();
        var noteRun = await ProcessFlow.StartRunAsync(owner, "note that the launch is on Friday");
        await ProcessFlow.PollRunAsync(owner, noteRun, "waitingForApproval");
        await ProcessFlow.ApproveOnlyPendingAsync(owner);
        await ProcessFlow.PollRunAsync(owner, noteRun, "completed");

        var readRun = await ProcessFlow.StartRunAsync(owner, "what are my notes");
        var completed = await ProcessFlow.PollRunAsync(owner, readRun, "completed");

        Assert.Equal("Your notes:\n- The launch is on Friday.", completed.GetProperty("answer").GetString());
    }

    [Fact]
    public async Task A_run_whose_input_carries_a_secret_value_is_refused_with_secret_detected_and_no_run_is_kept()
    {
        using var owner = await WorkspaceAsync();
        const string Value = "sk_live_truthful_runs_0123456789";
        await ProcessFlow.ReadAsync(await owner.PutAsJsonAsync("/api/secrets/stripe-key", new { value = Value }, Ct));
        var hex = Convert.ToHexStringLower(System.Text.Encoding.UTF8.GetBytes(Value));

        var refused = await owner.PostAsJsonAsync("/api/runs", new { input = $"email bob@example.test that the key is {hex}" }, Ct);
        var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync(Ct)).RootElement;
        var audit = await owner.GetStringAsync(new Uri("/api/audit?limit=1000", UriKind.Relative), Ct);
        var blocked = JsonDocument.Parse(audit).RootElement.GetProperty("entries").EnumerateArray()
            .Single(e => e.GetProperty("kind").GetString() == "guardrail.blocked" && e.GetProperty("details").GetProperty("target").GetString() == "run input");
        var runId = blocked.GetProperty("details").GetProperty("run_id").GetString();

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal("secret_detected", problem.GetProperty("code").GetString());
        Assert.Equal("secret://stripe-key", problem.GetProperty("secret").GetString());
        Assert.Equal("hex", problem.GetProperty("encoding").GetString());
        Assert.Contains("secret://stripe-key (hex)", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(hex, problem.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain(Value, audit, StringComparison.Ordinal);
        Assert.DoesNotContain(hex, audit, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await owner.GetAsync(new Uri($"/api/runs/{runId}", UriKind.Relative), Ct)).StatusCode);
    }

    [Fact]
    public async Task A_run_on_a_workspace_without_a_cap_is_a_409_saying_how_to_set_one_while_the_estimate_still_works()
    {
        using var owner = await WorkspaceAsync(capMicros: 0);

        var estimate = await owner.PostAsJsonAsync("/api/runs/estimate", new { input = "what are my notes" }, Ct);
        var refused = await owner.PostAsJsonAsync("/api/runs", new { input = "what are my notes" }, Ct);
        var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync(Ct)).RootElement;

        Assert.Equal(HttpStatusCode.OK, estimate.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Contains("cap is not set", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("PUT /api/budget {\"monthlyCapMicros\"", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, (await ProcessFlow.GetAsync(owner, "/api/budget")).GetProperty("spentMicros").GetInt64());
    }

    [Fact]
    public async Task Cancelling_a_waiting_run_withdraws_its_approval_and_a_later_approve_is_a_409_saying_the_run_was_cancelled()
    {
        using var owner = await WorkspaceAsync();
        var runId = await ProcessFlow.StartRunAsync(owner, "email bob@example.test that we are late");
        var approvalId = (await ProcessFlow.PollRunAsync(owner, runId, "waitingForApproval")).GetProperty("pendingApprovalId").GetString();

        await ProcessFlow.ReadAsync(await owner.PostAsync(new Uri($"/api/runs/{runId}/cancel", UriKind.Relative), null, Ct));
        var cancelled = await ProcessFlow.PollRunAsync(owner, runId, "cancelled");
        var approve = await owner.PostAsJsonAsync($"/api/approvals/{approvalId}/approve", new { comment = "ok" }, Ct);
        var problem = JsonDocument.Parse(await approve.Content.ReadAsStringAsync(Ct)).RootElement;

        Assert.Equal(HttpStatusCode.Conflict, approve.StatusCode);
        Assert.Contains($"run {runId} was cancelled", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("withdrawn", (await ProcessFlow.GetAsync(owner, $"/api/approvals/{approvalId}")).GetProperty("state").GetString());
        Assert.Empty((await ProcessFlow.GetAsync(owner, "/api/approvals?state=pending")).EnumerateArray());
        Assert.Contains(cancelled.GetProperty("events").EnumerateArray(), e => e.GetProperty("kind").GetString() == "approval.withdrawn");
    }

    [Theory]
    [InlineData("http://127.0.0.1:9/hooks", "loopback")]
    [InlineData("http://localhost:8080/hooks", "loopback")]
    [InlineData("http://[::1]/hooks", "loopback")]
    [InlineData("http://10.0.0.5/hooks", "private")]
    [InlineData("http://169.254.169.254/latest/meta-data", "link-local")]
    public async Task A_loopback_or_private_webhook_url_is_refused_when_put_into_the_allowlist_and_changes_nothing(string url, string reason)
    {
        using var owner = await WorkspaceAsync();
        var before = (await ProcessFlow.GetAsync(owner, "/api/workspace")).GetProperty("policy").GetRawText();

        var refused = await owner.PatchAsJsonAsync("/api/workspace", new { webhookAllowlist = new[] { "https://hooks.example.test/ok", url } }, Ct);
        var detail = JsonDocument.Parse(await refused.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("detail").GetString();

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains($"'{url}' points at", detail, StringComparison.Ordinal);
        Assert.Contains($"{reason} address", detail, StringComparison.Ordinal);
        Assert.Equal(before, (await ProcessFlow.GetAsync(owner, "/api/workspace")).GetProperty("policy").GetRawText());
    }

    [Fact]
    public async Task The_operators_private_network_entry_and_public_urls_are_accepted_into_the_allowlist()
    {
        using var owner = await WorkspaceAsync();
        var hook = new Uri(_hooks.Address, "hooks/team").ToString();

        var accepted = await ProcessFlow.ReadAsync(await owner.PatchAsJsonAsync("/api/workspace", new { webhookAllowlist = new[] { hook, "https://hooks.example.test/team" } }, Ct));

        Assert.Equal([hook, "https://hooks.example.test/team"], accepted.GetProperty("policy").GetProperty("webhookAllowlist").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task A_webhook_post_off_the_allowlist_is_refused_when_asked_and_never_reaches_an_approver()
    {
        using var owner = await WorkspaceAsync();
        await ProcessFlow.ReadAsync(await owner.PatchAsJsonAsync("/api/workspace", new { webhookAllowlist = new[] { "https://hooks.example.test/team" } }, Ct));

        var runId = await ProcessFlow.StartRunAsync(owner, "post deploy finished to https://elsewhere.example.test/team");
        var completed = await ProcessFlow.PollRunAsync(owner, runId, "completed");
        var receipt = await ProcessFlow.GetAsync(owner, $"/api/runs/{runId}/receipt");

        Assert.Empty((await ProcessFlow.GetAsync(owner, "/api/approvals")).EnumerateArray());
        Assert.Contains(receipt.GetProperty("notices").EnumerateArray(), n => n.GetString()!.Contains("refused before asking for approval: the URL is not on this workspace's webhook allowlist", StringComparison.Ordinal));
        Assert.StartsWith("The message was not posted to the webhook: the URL is not on this workspace's webhook allowlist", completed.GetProperty("answer").GetString(), StringComparison.Ordinal);
        Assert.Empty(_hooks.Requests);
    }

    public async ValueTask DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _hooks.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>The grain storage settings the gateway runs on.</summary>
    protected abstract Task<IReadOnlyDictionary<string, string?>> StoreSettingsAsync();

    /// <summary>A loopback port nothing listens on: the "no relay" of a fresh machine.</summary>
    private static int ClosedPort()
    {
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>A new workspace with <paramref name="capMicros"/> set (unless 0); the client holds its owner's key (owner, admin, approver).</summary>
    private async Task<HttpClient> WorkspaceAsync(long capMicros = 5_000_000)
    {
        using var op = Client(OperatorKey);
        var created = await ProcessFlow.ReadAsync(await op.PostAsJsonAsync("/api/workspaces", new { name = "Acme", ownerUserId = "olive@acme.test", ownerDisplayName = "Olive" }, Ct));
        var owner = Client(created.GetProperty("ownerKey").GetString()!);
        if (capMicros > 0)
        {
            await ProcessFlow.ReadAsync(await owner.PutAsJsonAsync("/api/budget", new { monthlyCapMicros = capMicros }, Ct));
        }

        return owner;
    }

    private HttpClient Client(string bearer)
    {
        var client = _gateway.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return client;
    }
}
