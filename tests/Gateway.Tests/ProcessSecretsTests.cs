using System.Text;
using Platform.Testing;
using static Platform.Gateway.Tests.ProcessFlow;

namespace Platform.Gateway.Tests;

/// <summary>
/// Plants a recognisable KEK in the key file of a real gateway process, runs the whole approval flow against an
/// OpenAI-compatible server, and looks for the KEK (raw, base64, hex) in the process's logs, the audit entries, every
/// API response and every request that reached the model. (A planted data key needs the in-process
/// <c>IDataKeyGenerator</c> seam; Security.Tests covers it.)
/// </summary>
public sealed class ProcessSecretsTests : IAsyncLifetime
{
    private static readonly byte[] s_kek = Encoding.ASCII.GetBytes("kek-CANARY-process-3f8a61d09c2e7");

    private readonly SmtpTestServer _smtp = new();
    private FakeOpenAiServer _fake = null!;
    private GatewayProcess _gateway = null!;

    public async ValueTask InitializeAsync()
    {
        _fake = await FakeOpenAiServer.StartAsync();
        _gateway = new GatewayProcess(ProcessFlow.Environment(_smtp));
    }

    [Fact]
    public async Task Planted_kek_appears_in_no_log_audit_entry_api_response_or_model_request()
    {
        Assert.Equal(32, s_kek.Length);
        var keyFile = Path.Combine(_gateway.DataDirectory, "keys.json");
        await File.WriteAllTextAsync(keyFile, $$"""
            { "format": 1, "current": "kek-canary", "keys": [ { "id": "kek-canary", "created": "2026-01-01T00:00:00+00:00", "key": "{{Convert.ToBase64String(s_kek)}}" } ] }
            """, Ct);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(keyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        await _gateway.StartAsync(Ct);
        var (ownerKey, approverKey) = await CreateWorkspaceAsync(_gateway, OpenAiModel(_fake));
        using var owner = _gateway.Client(ownerKey);
        using var approver = _gateway.Client(approverKey);
        _fake.EnqueueToolCalls([("call_1", "email.send", """{"to":"bob@example.test","subject":"Report","body":"The report is ready."}""")], promptTokens: 200, completionTokens: 40);
        _fake.EnqueueText("I sent Bob the mail.", promptTokens: 260, completionTokens: 12);

        var runId = await StartRunAsync(owner, "email bob@example.test that the report is ready");
        await PollRunAsync(owner, runId, "waitingForApproval");
        await ApproveOnlyPendingAsync(approver);
        await PollRunAsync(owner, runId, "completed");
        Assert.Single(_smtp.Messages);
        await GetAsync(owner, $"/api/runs/{runId}/receipt");
        await GetAsync(owner, "/api/workspace");
        await GetAsync(owner, "/api/budget/ledger");
        await AssertAuditVerifiesAsync(owner);
        var audit = await GetAsync(owner, "/api/audit?limit=1000");
        Assert.NotEmpty(audit.GetProperty("entries").EnumerateArray());

        // The process ran on the planted KEK (it did not replace the file), so the search below means something.
        Assert.Contains(Convert.ToBase64String(s_kek), await File.ReadAllTextAsync(keyFile, Ct), StringComparison.Ordinal);
        await _gateway.KillAsync();

        var modelRequests = _fake.Requests.Where(r => r.Path == "/v1/chat/completions").ToList();
        Assert.Equal(2, modelRequests.Count);
        AssertAbsent("the gateway's logs (stdout and stderr)", _gateway.Output);
        AssertAbsent("the audit entries", audit.ToString());
        foreach (var body in _gateway.ResponseBodies)
        {
            AssertAbsent("an API response", body);
        }

        foreach (var request in modelRequests)
        {
            AssertAbsent("a request to the model server", request.Body);
            AssertAbsent("a request header to the model server", string.Join('\n', request.Headers.Select(h => $"{h.Key}: {h.Value}")));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _fake.DisposeAsync();
        await _smtp.DisposeAsync();
    }

    private static void AssertAbsent(string where, string text)
    {
        string[] forms = [Encoding.ASCII.GetString(s_kek), Encoding.ASCII.GetString(s_kek)[..16], Convert.ToBase64String(s_kek), Convert.ToHexString(s_kek)];
        foreach (var form in forms)
        {
            Assert.False(text.Contains(form, StringComparison.OrdinalIgnoreCase), $"The planted KEK appeared in {where}.");
        }
    }
}
