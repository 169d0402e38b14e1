using System.Net;
using System.Net.Http.Json;
using Platform.Testing;
using static Platform.Gateway.Tests.ProcessFlow;

namespace Platform.Gateway.Tests;

/// <summary>
/// Strict billing (<c>Platform:Proxy:StrictBilling</c>): the real gateway process is killed right after the last answer
/// of a burst of proxied calls, and every answer a client received has its ledger line and audit entry after restart.
/// </summary>
public sealed class StrictBillingProcessTests : IAsyncLifetime
{
    private const int Workers = 8;
    private const int KillAfter = 150;
    private const int MaxCallsPerWorker = 100;

    private readonly SmtpTestServer _smtp = new();
    private GatewayProcess _gateway = null!;

    public ValueTask InitializeAsync()
    {
        var environment = ProcessFlow.Environment(_smtp);
        environment["Platform__Proxy__StrictBilling"] = "true";
        environment["Platform__Gateway__RequestsPerSecondPerKey"] = "1000";
        environment["Platform__Gateway__BurstPerKey"] = "1000";
        _gateway = new GatewayProcess(environment);
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Every_answer_delivered_before_a_kill_is_on_the_ledger_and_in_the_audit_log_after_restart()
    {
        await _gateway.StartAsync(Ct);
        var (ownerKey, _) = await CreateWorkspaceAsync(_gateway);
        string proxyKey;
        using (var owner = _gateway.Client(ownerKey))
        {
            var created = await ReadAsync(await owner.PostAsJsonAsync("/api/keys", new { name = "app", scopes = new[] { "proxy" } }, Ct));
            proxyKey = created.GetProperty("token").GetString()!;
        }

        // Callers keep calls in flight while the process is killed, as clients of a busy gateway would: the kill lands
        // between an answer and whatever was still only in memory.
        var delivered = 0;
        using (var app = _gateway.Client(proxyKey))
        {
            var model = (await GetAsync(app, "/v1/models")).GetProperty("data")[0].GetProperty("id").GetString()!;
            async Task CallUntilRefusedAsync(int worker)
            {
                for (var i = 0; i < MaxCallsPerWorker; i++)
                {
                    try
                    {
                        using var answer = await app.PostAsJsonAsync("/v1/chat/completions", new { model, messages = new[] { new { role = "user", content = $"note that call {worker}.{i} happened" } } }, Ct);
                        if (answer.StatusCode != HttpStatusCode.OK)
                        {
                            return;
                        }

                        // Only a whole answer counts as delivered.
                        await answer.Content.ReadAsByteArrayAsync(Ct);
                        Interlocked.Increment(ref delivered);
                    }
                    catch (Exception ex) when (ex is HttpRequestException or IOException)
                    {
                        return;
                    }
                }
            }

            var callers = Enumerable.Range(0, Workers).Select(CallUntilRefusedAsync).ToArray();
            await UntilAsync($"{KillAfter} answers before the kill", () => Volatile.Read(ref delivered) >= KillAfter);
            await _gateway.KillAsync();
            await Task.WhenAll(callers);
        }

        await _gateway.StartAsync(Ct);
        using (var owner = _gateway.Client(ownerKey))
        {
            var ledger = await LedgerAsync(owner);
            Assert.True(ledger.Count >= delivered, $"{delivered} answers were delivered but the ledger has {ledger.Count} lines.");
            var audit = await GetAsync(owner, "/api/audit?limit=1000&kind=proxy.chat_completion");
            Assert.True(audit.GetProperty("entries").GetArrayLength() >= delivered, $"{delivered} answers were delivered but the audit log has {audit.GetProperty("entries").GetArrayLength()} proxy entries.");
            await AssertAuditVerifiesAsync(owner);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _smtp.DisposeAsync();
    }
}
