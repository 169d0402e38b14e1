using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Platform.Testing;
using static Platform.Gateway.Tests.ProcessFlow;

namespace Platform.Gateway.Tests;

/// <summary>
/// Two real gateway processes, each a node of one cluster (<c>Silo:Clustering=postgres</c>) over one PostgreSQL database
/// and one key file: each serves every workspace wherever its grains live, a change made through one holds on the other
/// at the very next request, and when one node is killed the other serves its workspaces again once Orleans has declared
/// it dead.
/// </summary>
public sealed class ClusterProcessTests(PostgresClusterFixture postgres) : IAsyncLifetime
{
    private static readonly TimeSpan RecoveryDeadline = TimeSpan.FromSeconds(120);

    private readonly SmtpTestServer _smtp = new();
    private readonly string _keys = Directory.CreateTempSubdirectory("cluster-keys-").FullName;
    private GatewayProcess _first = null!;
    private GatewayProcess _second = null!;

    public async ValueTask InitializeAsync()
    {
        var database = await postgres.Cluster.CreateDatabaseAsync("cluster", Ct);
        var clusterId = $"cluster-{Guid.NewGuid():N}"[..24];
        _first = new GatewayProcess(ClusterNodeEnvironment(_smtp, database, clusterId, "node-a", _keys));
        _second = new GatewayProcess(ClusterNodeEnvironment(_smtp, database, clusterId, "node-b", _keys));
    }

    public async ValueTask DisposeAsync()
    {
        await _second.DisposeAsync();
        await _first.DisposeAsync();
        await _smtp.DisposeAsync();
        Directory.Delete(_keys, recursive: true);
    }

    [Fact(Timeout = 240_000)]
    public async Task Each_node_serves_every_workspace_and_a_revocation_through_one_holds_on_the_other_at_once()
    {
        await StartBothAsync();
        var (ownerKey, _) = await CreateWorkspaceAsync(_first);
        using var ownerOnFirst = _first.Client(ownerKey);
        using var ownerOnSecond = _second.Client(ownerKey);
        var workspaceId = (await GetAsync(ownerOnFirst, "/api/workspace")).GetProperty("workspaceId").GetString();
        Assert.Equal(workspaceId, (await GetAsync(ownerOnSecond, "/api/workspace")).GetProperty("workspaceId").GetString());

        // A key made through the second node works through the first, and both nodes have just checked it.
        var created = await ReadAsync(await ownerOnSecond.PostAsJsonAsync("/api/keys", new { name = "ci", scopes = new[] { "member" } }, Ct));
        using var ciOnFirst = _first.Client(created.GetProperty("token").GetString());
        using var ciOnSecond = _second.Client(created.GetProperty("token").GetString());
        Assert.Equal(HttpStatusCode.OK, (await ciOnFirst.GetAsync(new Uri("/api/workspace", UriKind.Relative), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ciOnSecond.GetAsync(new Uri("/api/workspace", UriKind.Relative), Ct)).StatusCode);

        var keyId = created.GetProperty("key").GetProperty("keyId").GetString();
        (await ownerOnFirst.DeleteAsync(new Uri($"/api/keys/{keyId}", UriKind.Relative), Ct)).EnsureSuccessStatusCode();

        Assert.Equal(HttpStatusCode.Unauthorized, (await ciOnSecond.GetAsync(new Uri("/api/workspace", UriKind.Relative), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await ciOnFirst.GetAsync(new Uri("/api/workspace", UriKind.Relative), Ct)).StatusCode);
        var audit = await GetAsync(ownerOnSecond, "/api/audit/verify");
        Assert.True(audit.GetProperty("valid").GetBoolean());
    }

    [Fact(Timeout = 240_000)]
    public async Task When_a_node_is_killed_the_other_declares_it_dead_and_serves_its_workspaces_again()
    {
        await StartBothAsync();

        // Workspaces made through the node that will die: placement puts some of their grains there.
        var owners = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            owners.Add((await CreateWorkspaceAsync(_second)).Owner);
        }

        await _second.KillAsync();
        var clock = Stopwatch.StartNew();

        await WaitForAsync(async () => (await ClusterAsync(_first)).Any(static s => s.Name == "node-b" && s.Status == "dead"), RecoveryDeadline, "node-a to declare node-b dead");
        var declaredDead = clock.Elapsed;
        foreach (var owner in owners)
        {
            using var client = _first.Client(owner);
            await WaitForAsync(async () => (await client.GetAsync(new Uri("/api/budget", UriKind.Relative), Ct)).StatusCode == HttpStatusCode.OK, RecoveryDeadline, "a workspace of the dead node to answer");
            Assert.Equal(5_000_000, (await GetAsync(client, "/api/budget")).GetProperty("capMicros").GetInt64());
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"node-b declared dead after {declaredDead.TotalSeconds:F1} s; its workspaces answered again after {clock.Elapsed.TotalSeconds:F1} s");
        Assert.True(clock.Elapsed < RecoveryDeadline);
    }

    [Fact(Timeout = 240_000)]
    public async Task Behind_the_shipped_nginx_configuration_the_cluster_keeps_answering_when_a_node_dies()
    {
        await StartBothAsync();
        await using var nginx = await NginxServer.StartAsync([_first.BaseAddress, _second.BaseAddress], Ct);
        using var op = nginx.Client(OperatorKey);
        var created = await ReadAsync(await op.PostAsJsonAsync("/api/workspaces", new { name = "Acme", ownerUserId = "olive@acme.test", ownerDisplayName = "Olive" }, Ct));
        using var owner = nginx.Client(created.GetProperty("ownerKey").GetString());
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync(new Uri("/api/workspace", UriKind.Relative), Ct)).StatusCode);
        }

        await _second.KillAsync();
        var clock = Stopwatch.StartNew();
        var failed = 0;
        var answeredInARow = 0;
        await WaitForAsync(
            async () =>
            {
                using var response = await owner.GetAsync(new Uri("/api/workspace", UriKind.Relative), Ct);
                answeredInARow = response.StatusCode == HttpStatusCode.OK ? answeredInARow + 1 : 0;
                failed += response.StatusCode == HttpStatusCode.OK ? 0 : 1;
                return answeredInARow == 20;
            },
            RecoveryDeadline,
            "20 answers in a row through nginx after the kill");

        TestContext.Current.TestOutputHelper?.WriteLine($"through nginx: {failed} failed answers, then 20 in a row after {clock.Elapsed.TotalSeconds:F1} s");
        Assert.Equal(created.GetProperty("workspaceId").GetString(), (await GetAsync(owner, "/api/workspace")).GetProperty("workspaceId").GetString());
    }

    [Fact(Timeout = 300_000)]
    public async Task A_frozen_node_that_wakes_after_being_declared_dead_spends_nothing_past_a_cap_and_breaks_no_audit_chain()
    {
        const long Cap = 40_000;
        const int MaxCalls = 400;
        await StartBothAsync();

        // Workspaces made and warmed up through the node that will freeze, so some of their budgets live there.
        var workspaces = new List<(string Owner, string Proxy)>();
        for (var i = 0; i < 4; i++)
        {
            var (owner, _) = await CreateWorkspaceAsync(_second);
            using var client = _second.Client(owner);
            (await client.PutAsJsonAsync("/api/budget", new { monthlyCapMicros = Cap }, Ct)).EnsureSuccessStatusCode();
            var proxy = await ProxyKeyAsync(client);
            workspaces.Add((owner, proxy));
            Assert.Equal(3, await CallUntilRefusedAsync(_second, proxy, 3));
        }

        await _second.PauseAsync();
        var clock = Stopwatch.StartNew();
        await WaitForAsync(async () => (await ClusterAsync(_first)).Any(static s => s.Name == "node-b" && s.Status == "dead"), RecoveryDeadline, "node-a to declare the frozen node-b dead");
        var declaredDead = clock.Elapsed;

        // The survivor takes the workspaces over and spends each to its cap.
        var acknowledged = 0;
        foreach (var (_, proxy) in workspaces)
        {
            await WaitForAsync(async () => await CallUntilRefusedAsync(_first, proxy, 1) == 1, RecoveryDeadline, "a workspace of the frozen node to answer on the survivor");
            acknowledged += 1 + await CallUntilRefusedAsync(_first, proxy, MaxCalls);
        }

        var recovered = clock.Elapsed;

        // The zombie wakes with its old activations and tries to spend again.
        await _second.ResumeAsync();
        var zombieAnswers = 0;
        foreach (var (_, proxy) in workspaces)
        {
            try
            {
                zombieAnswers += await CallUntilRefusedAsync(_second, proxy, 10);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // The woken node finds itself declared dead and stops; a refused connection is the right answer.
            }
        }

        long overspend = 0, ledgerLines = 0;
        foreach (var (owner, _) in workspaces)
        {
            using var client = _first.Client(owner);
            var budget = await GetAsync(client, "/api/budget");
            var ledger = await LedgerAsync(client);
            overspend += Math.Max(0, budget.GetProperty("spentMicros").GetInt64() - Cap);
            ledgerLines += ledger.Count;
            Assert.True(budget.GetProperty("spentMicros").GetInt64() <= Cap, $"spent {budget.GetProperty("spentMicros").GetInt64()} of a cap of {Cap}");
            Assert.True(ledger.Sum(static l => l.Amount) <= Cap);
            await AssertAuditVerifiesAsync(client);
        }

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"frozen node declared dead after {declaredDead.TotalSeconds:F1} s; survivor served every workspace again after {recovered.TotalSeconds:F1} s; " +
            $"{acknowledged} calls acknowledged by the survivor, {zombieAnswers} answered by the woken node, {ledgerLines} ledger lines, overspend {overspend} micro-dollars");
        Assert.True(ledgerLines >= acknowledged, $"{acknowledged} calls were acknowledged by the survivor but the ledgers have {ledgerLines} lines");
    }

    /// <summary>Proxied calls through <paramref name="node"/> until one is refused or <paramref name="limit"/> answered; returns how many were answered.</summary>
    private static async Task<int> CallUntilRefusedAsync(GatewayProcess node, string proxyKey, int limit)
    {
        using var app = node.Client(proxyKey);
        var answered = 0;
        for (var i = 0; i < limit; i++)
        {
            if ((await ProxyCallAsync(app, i)).Status != HttpStatusCode.OK)
            {
                return answered;
            }

            answered++;
        }

        return answered;
    }

    private Task StartBothAsync() => StartClusterAsync(_first, _second);
}
