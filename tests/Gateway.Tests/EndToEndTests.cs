using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Platform.Grains.Events;
using Platform.Grains.Interfaces.Events;
using Platform.Testing;

namespace Platform.Gateway.Tests;

/// <summary>
/// The whole trust story over HTTP: budget, local model, approval, real SMTP, receipt, audit; on every store (see the
/// OnSqlite and OnPostgres subclasses).
/// </summary>
public abstract class EndToEndTests : IAsyncLifetime
{
    private const string OperatorKey = "op_end_to_end_operator_key_0123456789abcdef";
    private readonly SmtpTestServer _smtp = new();
    private readonly RecordingPlatformEvents _events = new();
    private GatewayFactory _gateway = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _gateway = new GatewayFactory(new Dictionary<string, string?>(await StoreSettingsAsync())
        {
            ["Platform:OperatorKey"] = OperatorKey,
            ["Platform:Smtp:Host"] = "127.0.0.1",
            ["Platform:Smtp:Port"] = _smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        })
        {
            TestServices = services => services.AddSingleton<IPlatformEvents>(_events),
        };
    }

    [Fact]
    public async Task Email_run_waits_for_approval_then_the_mail_arrives_with_a_receipt_and_a_verifying_audit_chain()
    {
        using var op = Client(OperatorKey);
        var created = await (await op.PostAsJsonAsync("/api/workspaces", new { name = "Acme", ownerUserId = "olive@acme.test", ownerDisplayName = "Olive" }, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        using var owner = Client(created.GetProperty("ownerKey").GetString()!);
        (await owner.PutAsJsonAsync("/api/budget", new { monthlyCapMicros = 5_000_000 }, Ct)).EnsureSuccessStatusCode();
        using var anonymous = Client();
        using var alice = Client(await Invitations.JoinAsync(owner, anonymous, "alice@acme.test", ["approver", "member"], ["approver"], Ct));

        var estimate = await (await owner.PostAsJsonAsync("/api/runs/estimate", new { input = "email bob@example.test that the report is ready" }, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.True(estimate.GetProperty("estimate").GetInt64() > 0);
        var started = await owner.PostAsJsonAsync("/api/runs", new { input = "email bob@example.test that the report is ready" }, Ct);
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        var runId = (await started.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("runId").GetString();

        var waiting = await ProcessFlow.PollRunAsync(owner, runId!, "waitingForApproval");
        Assert.Empty(_smtp.Messages);
        var pending = await alice.GetFromJsonAsync<JsonElement>("/api/approvals?state=pending", Ct);
        var approval = pending.EnumerateArray().Single();
        Assert.Equal(waiting.GetProperty("pendingApprovalId").GetString(), approval.GetProperty("approvalId").GetString());
        Assert.Equal("email.send", approval.GetProperty("tool").GetString());
        Assert.Contains("to: bob@example.test", approval.GetProperty("affects").EnumerateArray().Select(a => a.GetString()));

        var approved = await alice.PostAsJsonAsync($"/api/approvals/{approval.GetProperty("approvalId").GetString()}/approve", new { comment = "ok" }, Ct);
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        var completed = await ProcessFlow.PollRunAsync(owner, runId!, "completed");

        var mail = Assert.Single(_smtp.Messages);
        Assert.Equal(["bob@example.test"], mail.Recipients);
        Assert.Contains("report is ready", mail.Body, StringComparison.OrdinalIgnoreCase);
        Assert.False(string.IsNullOrEmpty(completed.GetProperty("answer").GetString()));
        Assert.True(completed.GetProperty("spentMicros").GetInt64() > 0);

        var receipt = await owner.GetFromJsonAsync<JsonElement>($"/api/runs/{runId}/receipt", Ct);
        Assert.Contains("email.send", receipt.GetProperty("did").GetString(), StringComparison.Ordinal);
        Assert.Contains("bob@example.test", receipt.GetProperty("cost").GetString(), StringComparison.Ordinal);

        var verification = await owner.GetFromJsonAsync<JsonElement>("/api/audit/verify", Ct);
        Assert.True(verification.GetProperty("valid").GetBoolean());
        var kinds = (await owner.GetFromJsonAsync<JsonElement>("/api/audit?limit=1000", Ct)).GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("kind").GetString()).ToList();
        Assert.Contains("model.call", kinds);
        Assert.Contains("approval.requested", kinds);
        Assert.Contains("approval.decided", kinds);
        Assert.Contains("tool.call", kinds);
        Assert.Contains("run.finished", kinds);
        var toolCall = (await owner.GetFromJsonAsync<JsonElement>("/api/audit?kind=tool.call", Ct)).GetProperty("entries").EnumerateArray().Single();
        var toolDetails = toolCall.GetProperty("details");
        Assert.Equal(64, toolDetails.GetProperty("arguments_sha256").GetString()!.Length);
        Assert.DoesNotContain("report is ready", toolDetails.GetProperty("arguments_sealed").GetString()!, StringComparison.OrdinalIgnoreCase);

        var budget = await owner.GetFromJsonAsync<JsonElement>("/api/budget", Ct);
        Assert.Equal(completed.GetProperty("spentMicros").GetInt64(), budget.GetProperty("spentMicros").GetInt64());

        // Published once the run's end is durable, a moment after its status shows; a bus consumer sees it the same way.
        await _events.WaitForAsync<RunFinished>(1, e => e.RunId == runId);
        var finished = Assert.Single(_events.Published.OfType<RunFinished>(), e => e.RunId == runId);
        Assert.Equal("completed", finished.Outcome);
        Assert.Equal(completed.GetProperty("spentMicros").GetInt64(), finished.CostMicros);
        Assert.Single(_events.Published.OfType<ApprovalDecided>(), e => e.WorkspaceId == created.GetProperty("workspaceId").GetString());

        using var events = await owner.GetAsync(new Uri($"/api/runs/{runId}/events", UriKind.Relative), Ct);
        Assert.Equal("text/event-stream", events.Content.Headers.ContentType?.MediaType);
        var stream = await events.Content.ReadAsStringAsync(Ct);
        Assert.Contains("event: approval.requested", stream, StringComparison.Ordinal);
        Assert.Contains("event: run.completed", stream, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_without_a_cap_is_refused_at_start_and_one_without_budget_left_stops_before_any_model_call_saying_how_to_continue()
    {
        using var op = Client(OperatorKey);
        var created = await (await op.PostAsJsonAsync("/api/workspaces", new { name = "Broke", ownerUserId = "olive@acme.test", ownerDisplayName = "Olive" }, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        using var owner = Client(created.GetProperty("ownerKey").GetString()!);

        var unset = await owner.PostAsJsonAsync("/api/runs", new { input = "what are my notes" }, Ct);
        Assert.Equal(HttpStatusCode.Conflict, unset.StatusCode);
        Assert.Contains("PUT /api/budget", (await unset.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("detail").GetString(), StringComparison.Ordinal);

        // A cap below one model call's worst case: the run starts and stops at its first reservation.
        (await owner.PutAsJsonAsync("/api/budget", new { monthlyCapMicros = 1 }, Ct)).EnsureSuccessStatusCode();
        var runId = (await (await owner.PostAsJsonAsync("/api/runs", new { input = "what are my notes" }, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("runId").GetString();
        var failed = await ProcessFlow.PollRunAsync(owner, runId!, "failed");

        Assert.Contains("raise the cap to continue", failed.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, failed.GetProperty("spentMicros").GetInt64());
    }

    [Fact]
    public async Task Another_workspaces_run_is_404_and_cancelling_a_waiting_run_stops_it()
    {
        using var op = Client(OperatorKey);
        var a = await (await op.PostAsJsonAsync("/api/workspaces", new { name = "A", ownerUserId = "a@a.test", ownerDisplayName = "A" }, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        var b = await (await op.PostAsJsonAsync("/api/workspaces", new { name = "B", ownerUserId = "b@b.test", ownerDisplayName = "B" }, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        using var ownerA = Client(a.GetProperty("ownerKey").GetString()!);
        using var ownerB = Client(b.GetProperty("ownerKey").GetString()!);
        (await ownerA.PutAsJsonAsync("/api/budget", new { monthlyCapMicros = 5_000_000 }, Ct)).EnsureSuccessStatusCode();
        var runId = (await (await ownerA.PostAsJsonAsync("/api/runs", new { input = "email bob@example.test that we are late" }, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("runId").GetString();
        await ProcessFlow.PollRunAsync(ownerA, runId!, "waitingForApproval");

        Assert.Equal(HttpStatusCode.NotFound, (await ownerB.GetAsync(new Uri($"/api/runs/{runId}", UriKind.Relative), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await ownerB.PostAsync(new Uri($"/api/runs/{runId}/cancel", UriKind.Relative), null, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await ownerB.GetAsync(new Uri($"/api/runs/{runId}/receipt", UriKind.Relative), Ct)).StatusCode);

        var cancelled = await (await ownerA.PostAsync(new Uri($"/api/runs/{runId}/cancel", UriKind.Relative), null, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("cancelled", cancelled.GetProperty("status").GetString());
        Assert.Empty(_smtp.Messages);
    }

    public async ValueTask DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _smtp.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>The grain storage settings the gateway runs on.</summary>
    protected abstract Task<IReadOnlyDictionary<string, string?>> StoreSettingsAsync();

    private HttpClient Client(string? bearer = null)
    {
        var client = _gateway.CreateClient();
        if (bearer is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return client;
    }
}
