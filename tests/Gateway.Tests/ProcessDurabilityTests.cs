using Platform.Testing;
using static Platform.Gateway.Tests.ProcessFlow;

namespace Platform.Gateway.Tests;

/// <summary>
/// Kills the real gateway process (no graceful shutdown) while runs wait for an approval or for a model answer, starts
/// it again on the same data, and checks that the runs resume, acknowledged spend is kept and the audit chain verifies.
/// </summary>
public sealed class ProcessDurabilityTests : IAsyncLifetime
{
    private readonly SmtpTestServer _smtp = new();
    private FakeOpenAiServer _fake = null!;
    private TemporaryPostgresCluster? _postgres;
    private GatewayProcess? _gateway;

    public async ValueTask InitializeAsync() => _fake = await FakeOpenAiServer.StartAsync();

    [Fact]
    public async Task Run_waiting_for_approval_survives_a_kill_and_mails_exactly_once_after_approval_on_sqlite()
    {
        _gateway = new GatewayProcess(ProcessFlow.Environment(_smtp));
        await ApprovalSurvivesKillAsync(_gateway);
    }

    [Fact]
    public async Task Run_waiting_for_approval_survives_a_kill_and_mails_exactly_once_after_approval_on_postgres()
    {
        _postgres = await TemporaryPostgresCluster.StartAsync(cancellationToken: Ct);
        var environment = ProcessFlow.Environment(_smtp);
        environment["Silo__Storage"] = "postgres";
        environment["Silo__Postgres__ConnectionString"] = await _postgres.CreateDatabaseAsync("gateway_process", Ct);
        _gateway = new GatewayProcess(environment);
        await ApprovalSurvivesKillAsync(_gateway);
    }

    [Fact]
    public async Task Run_killed_during_a_model_call_resumes_with_a_new_call_and_keeps_settled_spend()
    {
        _gateway = new GatewayProcess(ProcessFlow.Environment(_smtp));
        await _gateway.StartAsync(Ct);
        var (ownerKey, _) = await CreateWorkspaceAsync(_gateway, OpenAiModel(_fake));
        string runId;
        long spentBefore;
        List<(long Sequence, long Amount)> ledgerBefore;
        using (var owner = _gateway.Client(ownerKey))
        {
            // A first run settles real spend before the kill.
            _fake.EnqueueText("Nothing to do.", promptTokens: 120, completionTokens: 30);
            var first = await PollRunAsync(owner, await StartRunAsync(owner, "say hello"), "completed");
            Assert.True(first.GetProperty("spentMicros").GetInt64() > 0);

            // The second run's model call is held at the server: in flight when the process dies.
            _fake.Hold();
            runId = await StartRunAsync(owner, "say hello again");
            await UntilAsync("the second run's model call to be held at the fake model server", () => _fake.HeldCount == 1);
            var budget = await GetAsync(owner, "/api/budget");
            spentBefore = budget.GetProperty("spentMicros").GetInt64();
            Assert.Equal(first.GetProperty("spentMicros").GetInt64(), spentBefore);
            Assert.True(budget.GetProperty("reservedMicros").GetInt64() > 0, $"The in-flight call holds no reservation: {budget}");
            ledgerBefore = await LedgerAsync(owner);
        }

        await _gateway.KillAsync();
        await UntilAsync("the fake model server to see the killed process's held call abandoned", () => _fake.AbandonedCount == 1);
        await _gateway.StartAsync(Ct);

        using (var owner = _gateway.Client(ownerKey))
        {
            await UntilAsync("the resumed run to make a new model call", () => _fake.HeldCount == 1);
            Assert.Equal(3, _fake.Requests.Count(r => r.Path == "/v1/chat/completions"));
            Assert.Equal("running", (await GetAsync(owner, $"/api/runs/{runId}")).GetProperty("status").GetString());

            _fake.EnqueueText("Hello again.", promptTokens: 110, completionTokens: 20);
            _fake.Release();
            var completed = await PollRunAsync(owner, runId, "completed");
            Assert.Equal("Hello again.", completed.GetProperty("answer").GetString());
            Assert.Equal(1, completed.GetProperty("events").EnumerateArray().Count(e => e.GetProperty("kind").GetString() == "model.call"));

            var budget = await GetAsync(owner, "/api/budget");
            var spentAfter = budget.GetProperty("spentMicros").GetInt64();
            Assert.True(spentAfter >= spentBefore, $"Spent fell from {spentBefore} to {spentAfter} across the kill.");
            Assert.Equal(spentBefore + completed.GetProperty("spentMicros").GetInt64(), spentAfter);
            Assert.Equal(0, budget.GetProperty("reservedMicros").GetInt64());
            var ledgerAfter = await LedgerAsync(owner);
            Assert.All(ledgerBefore, entry => Assert.Contains(entry, ledgerAfter));
            Assert.Equal(spentAfter, ledgerAfter.Sum(e => e.Amount));
            await AssertAuditVerifiesAsync(owner);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        await _fake.DisposeAsync();
        await _smtp.DisposeAsync();
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }

    private async Task ApprovalSurvivesKillAsync(GatewayProcess gateway)
    {
        await gateway.StartAsync(Ct);
        var (ownerKey, approverKey) = await CreateWorkspaceAsync(gateway);
        string runId;
        long spentBefore;
        List<(long Sequence, long Amount)> ledgerBefore;
        using (var owner = gateway.Client(ownerKey))
        {
            runId = await StartRunAsync(owner, "email bob@example.test that the report is ready");
            await PollRunAsync(owner, runId, "waitingForApproval");
            spentBefore = (await GetAsync(owner, "/api/budget")).GetProperty("spentMicros").GetInt64();
            Assert.True(spentBefore > 0);
            ledgerBefore = await LedgerAsync(owner);
        }

        await gateway.KillAsync();
        await gateway.StartAsync(Ct);

        using (var owner = gateway.Client(ownerKey))
        using (var approver = gateway.Client(approverKey))
        {
            var waiting = await PollRunAsync(owner, runId, "waitingForApproval");
            Assert.Empty(_smtp.Messages);
            var approvalId = await ApproveOnlyPendingAsync(approver);
            Assert.Equal(waiting.GetProperty("pendingApprovalId").GetString(), approvalId);

            var completed = await PollRunAsync(owner, runId, "completed");
            var mail = Assert.Single(_smtp.Messages);
            Assert.Equal(["bob@example.test"], mail.Recipients);
            var receipt = await GetAsync(owner, $"/api/runs/{runId}/receipt");
            Assert.Contains("email.send", receipt.GetProperty("did").GetString(), StringComparison.Ordinal);

            var spentAfter = (await GetAsync(owner, "/api/budget")).GetProperty("spentMicros").GetInt64();
            Assert.True(spentAfter >= spentBefore, $"Spent fell from {spentBefore} to {spentAfter} across the kill.");
            Assert.Equal(completed.GetProperty("spentMicros").GetInt64(), spentAfter);
            var ledgerAfter = await LedgerAsync(owner);
            Assert.All(ledgerBefore, entry => Assert.Contains(entry, ledgerAfter));
            await AssertAuditVerifiesAsync(owner);
            var audit = await GetAsync(owner, "/api/audit?limit=1000");
            Assert.Equal(1, audit.GetProperty("entries").EnumerateArray().Count(e => e.GetProperty("kind").GetString() == "tool.call"));
        }
    }
}
