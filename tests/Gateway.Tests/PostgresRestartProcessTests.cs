using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Testing;
using static Platform.Gateway.Tests.ProcessFlow;

namespace Platform.Gateway.Tests;

/// <summary>
/// Three nodes of one cluster behind the shipped nginx, over a PostgreSQL of their own that is stopped and started again
/// while proxy calls and writes keep coming: meanwhile a call is answered or refused quickly with an error that says what
/// happened (never a hang, a stack trace or the database's password), and afterwards every node serves again by itself,
/// with every answered call billed or, where its batched ledger write failed, withheld against the cap, every run that
/// was under way resumed (each approved send mailed once) and every audit chain intact.
/// </summary>
public sealed class PostgresRestartProcessTests : IAsyncLifetime
{
    private const long Cap = 5_000_000;

    // Longer than this for a refusal is not "fast": Orleans' call timeout is 30 s, and a caller should not wait for it.
    private static readonly TimeSpan s_fastRefusal = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan s_recoveryDeadline = TimeSpan.FromSeconds(120);

    private readonly SmtpTestServer _smtp = new();
    private readonly string _keys = Directory.CreateTempSubdirectory("restart-keys-").FullName;
    private TemporaryPostgresCluster? _postgres;
    private GatewayProcess[] _nodes = [];

    /// <summary>How long PostgreSQL stays down; <c>PLATFORM_FAULT_POSTGRES_DOWN_SECONDS</c> lengthens it for a recorded run.</summary>
    private static TimeSpan Downtime => SecondsFromEnvironment("PLATFORM_FAULT_POSTGRES_DOWN_SECONDS", 15);

    private TemporaryPostgresCluster Postgres => _postgres ?? throw new InvalidOperationException("PostgreSQL has not started.");

    public async ValueTask InitializeAsync()
    {
        // A server of its own: the assembly's shared one serves other tests, which must not see it stop.
        _postgres = await TemporaryPostgresCluster.StartAsync(allowExternal: false, Ct);
        var database = await _postgres.CreateDatabaseAsync("restart", Ct);
        var clusterId = $"restart-{Guid.NewGuid():N}"[..24];
        _nodes = [.. new[] { "node-a", "node-b", "node-c" }.Select(name => new GatewayProcess(ClusterNodeEnvironment(_smtp, database, clusterId, name, _keys)))];
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes.Reverse())
        {
            await node.DisposeAsync();
        }

        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }

        await _smtp.DisposeAsync();
        Directory.Delete(_keys, recursive: true);
    }

    [Fact(Timeout = 420_000)]
    public async Task While_PostgreSQL_restarts_under_load_calls_fail_fast_with_clear_errors_and_recover_by_themselves_with_every_answered_call_billed_or_withheld()
    {
        await StartClusterAsync(_nodes);
        await using var nginx = await NginxServer.StartAsync(_nodes.Select(static n => n.BaseAddress), Ct);
        var workspaces = new List<(string Owner, string Proxy)>();
        var approving = new List<(string Owner, string Approver)>();
        foreach (var node in _nodes)
        {
            var (owner, approver) = await CreateWorkspaceAsync(node);
            using var client = node.Client(owner);
            var proxy = await ProxyKeyAsync(client);
            workspaces.Add((owner, proxy));
            approving.Add((owner, approver));
        }

        // The load: each workspace's proxy key calls the model through nginx, and its owner renames the workspace five
        // times a second, which only a storage write can acknowledge; beside them, runs that ask for approval and mail,
        // which must resume when storage is back, neither failing nor mailing twice.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var log = new ConcurrentQueue<Attempt>();
        var clock = Stopwatch.StartNew();
        var load = workspaces.Select(w => Task.WhenAll(
            LoopAsync(nginx, w.Proxy, "proxy", ProxyCallAsync, TimeSpan.Zero, clock, log, stop.Token),
            LoopAsync(nginx, w.Owner, "write", RenameAsync, TimeSpan.FromMilliseconds(200), clock, log, stop.Token))).ToList();
        var runLoad = new ClusterLoad(clock, routes: 1);
        var runs = runLoad.RunAsync([.. approving.Select(w => ((Func<int, HttpClient>)(_ => nginx.Client(w.Owner)), (Func<int, HttpClient>)(_ => nginx.Client(w.Approver))))], stop.Token);

        await Task.Delay(TimeSpan.FromSeconds(5), Ct);
        var stoppedAt = clock.Elapsed;
        await Postgres.StopAsync(Ct);
        var notReady = await new ReadinessProbe(_nodes).ProbeAsync();
        await Task.Delay(Downtime, Ct);
        await Postgres.RestartAsync(Ct);
        var startedAt = clock.Elapsed;

        // Recovered when, after the restart, each kind of call has succeeded 20 times in a row on every workspace's key.
        await WaitForAsync(
            () => Task.FromResult(workspaces.All(w => SucceededInARow(log, w.Proxy, startedAt) >= 20 && SucceededInARow(log, w.Owner, startedAt) >= 20)),
            s_recoveryDeadline,
            "every workspace's calls and writes to succeed 20 times in a row after the restart");
        var recovered = clock.Elapsed;
        await stop.CancelAsync();
        await Task.WhenAll(load);
        await runs;
        await WaitForAsync(async () => await new ReadinessProbe(_nodes).ProbeAsync() == 0, s_recoveryDeadline, "every node to be ready again");

        var attempts = log.ToArray();
        var failed = attempts.Where(static a => !a.Succeeded).ToArray();
        long acknowledged = 0, ledgerLines = 0, overspend = 0, unbilledCalls = 0, withheldTotal = 0;
        foreach (var (owner, proxy) in workspaces)
        {
            using var client = _nodes[0].Client(owner);
            var answered = attempts.Count(a => a.Bearer == proxy && a.Succeeded);

            // Ledger lines are written in batches behind the answers (the default billing mode). A batch whose write
            // finds PostgreSQL down is written again for up to 30 s; one that still fails ends its activation, and the
            // next withholds what the lease covered beyond the ledger, so those answers count against the cap unbilled.
            List<(long Sequence, long Amount)> ledger = [];
            JsonElement budget = default;
            await UntilAsync(
                $"the ledger and the budget to settle after {answered} answered calls",
                async () =>
                {
                    ledger = await LedgerAsync(client);
                    budget = await GetAsync(client, "/api/budget");
                    return ledger.Sum(static l => l.Amount) == budget.GetProperty("spentMicros").GetInt64()
                        && (ledger.Count >= answered || budget.GetProperty("withheldMicros").GetInt64() > 0);
                },
                () => $"it has {ledger.Count} lines of {ledger.Sum(static l => l.Amount)} micro-dollars; the budget says {budget}");
            var spent = budget.GetProperty("spentMicros").GetInt64();
            var withheld = budget.GetProperty("withheldMicros").GetInt64();
            var unbilled = Math.Max(0, answered - ledger.Count);
            acknowledged += answered;
            ledgerLines += ledger.Count;
            unbilledCalls += unbilled;
            withheldTotal += withheld;
            overspend += Math.Max(0, spent + withheld - Cap);
            Assert.True(withheld >= unbilled * ledger.Min(static l => l.Amount), $"{unbilled} answered calls are not in the ledger and only {withheld} micro-dollars are withheld for them");
            await AssertAuditVerifiesAsync(client);
        }

        var byStatus = string.Join(", ", failed.GroupBy(static a => a.Status).OrderBy(static g => g.Key).Select(static g => $"{g.Count()} × {g.Key}"));
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"PostgreSQL down {(startedAt - stoppedAt).TotalSeconds:F1} s ({notReady} of {_nodes.Length} nodes unready during it): {attempts.Length} calls ({attempts.Count(static a => a.Kind == "proxy")} proxy, {attempts.Count(static a => a.Kind == "write")} writes), " +
            $"{failed.Length} failed ({byStatus}), slowest failure {(failed.Length == 0 ? 0 : failed.Max(static a => a.Took.TotalSeconds)):F1} s; every workspace served 20 in a row {(recovered - startedAt).TotalSeconds:F1} s after the restart; " +
            $"{acknowledged} proxy calls answered, {ledgerLines} ledger lines, {unbilledCalls} answered calls unbilled (their batch's write failed) with {withheldTotal} micro-dollars withheld against the caps, overspend {overspend}; " +
            $"runs: {runLoad.ApprovedRuns.Count} approved and {runLoad.PlainRuns} without approval completed, {runLoad.RunStartsFailed} starts refused while down; {_smtp.Messages.Count} mails for {runLoad.ApprovedRuns.Count} approved sends");

        Assert.Contains(failed, static a => a.Kind == "write");
        // A send whose run could not record its end says its outcome is unknown and is not repeated: at most one mail.
        Assert.InRange(_smtp.Messages.Count, runLoad.ApprovedRuns.Count - runLoad.UnknownOutcomeRuns.Count, runLoad.ApprovedRuns.Count);
        Assert.All(_smtp.Messages, static m => Assert.Equal(["bob@example.test"], m.Recipients));
        foreach (var (owner, _) in approving)
        {
            using var client = _nodes[1].Client(owner);
            await AssertAuditVerifiesAsync(client);
        }

        Assert.Equal(_nodes.Length, notReady);
        Assert.Equal(0, overspend);
        Assert.All(failed, a =>
        {
            Assert.True(a.Took < s_fastRefusal, $"a {a.Kind} call took {a.Took.TotalSeconds:F1} s to fail with {a.Status}: {a.Body}");
            Assert.True(a.Status is 503 or 504, $"a {a.Kind} call failed with {a.Status}: {a.Body}");
            Assert.True(SaysWhatHappened(a), $"a {a.Kind} call failed without an error that says what happened: {a.Body}");
            Assert.DoesNotContain(Postgres.Password, a.Body, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", a.Body, StringComparison.Ordinal);
        });
        Assert.All(_nodes, n => Assert.DoesNotContain(Postgres.Password, n.Output, StringComparison.Ordinal));
    }

    private static async Task<(HttpStatusCode Status, string Body)> RenameAsync(HttpClient client, int call)
    {
        using var answer = await client.PatchAsJsonAsync("/api/workspace", new { name = $"Acme {call}" }, Ct);
        return (answer.StatusCode, await answer.Content.ReadAsStringAsync(Ct));
    }

    /// <summary>Calls <paramref name="call"/> through nginx until stopped, logging each attempt; waits out the key's rate limit as a client would.</summary>
    private static async Task LoopAsync(NginxServer balancer, string bearer, string kind, Func<HttpClient, int, Task<(HttpStatusCode Status, string Body)>> call, TimeSpan pause, Stopwatch clock, ConcurrentQueue<Attempt> log, CancellationToken stop)
    {
        using var client = balancer.Client(bearer);
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            var started = clock.Elapsed;
            var (status, body) = await call(client, i);
            if (IsRateLimited(status, body))
            {
                await Task.Delay(TimeSpan.FromSeconds(1), Ct);
                continue;
            }

            var succeeded = (int)status is >= 200 and < 300;
            log.Enqueue(new Attempt(bearer, kind, started, clock.Elapsed - started, (int)status, succeeded, succeeded ? "" : body));
            if (pause > TimeSpan.Zero)
            {
                await Task.Delay(pause, Ct);
            }
        }
    }

    private static int SucceededInARow(ConcurrentQueue<Attempt> log, string bearer, TimeSpan after)
    {
        var run = 0;
        foreach (var attempt in log.Where(a => a.Bearer == bearer && a.Started > after))
        {
            run = attempt.Succeeded ? run + 1 : 0;
        }

        return run;
    }

    /// <summary>An OpenAI error with a message under <c>/v1</c>, problem details with a detail elsewhere.</summary>
    private static bool SaysWhatHappened(Attempt attempt)
    {
        try
        {
            var body = JsonDocument.Parse(attempt.Body).RootElement;
            return attempt.Kind == "proxy"
                ? body.TryGetProperty("error", out var error) && error.TryGetProperty("message", out var message) && message.GetString()?.Length > 0
                : body.TryGetProperty("detail", out var detail) && detail.GetString()?.Length > 0;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private sealed record Attempt(string Bearer, string Kind, TimeSpan Started, TimeSpan Took, int Status, bool Succeeded, string Body);
}
