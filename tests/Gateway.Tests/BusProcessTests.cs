using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Grains.Events;
using Platform.Testing;
using static Platform.Gateway.Tests.ProcessFlow;

namespace Platform.Gateway.Tests;

/// <summary>
/// Real gateway processes of one cluster whose events travel on a real RabbitMQ (<c>Platform:Bus:Transport=rabbitmq</c>):
/// an event announced on one node lands once in its workspace's feed, which every node serves, and the events of a
/// broker outage wait in the announcing grains' outboxes and all arrive, once each, when the broker is back.
/// </summary>
public sealed class BusProcessTests(PostgresClusterFixture postgres) : IAsyncLifetime
{
    private const string EmailRun = "email bob@example.test that the report is ready";
    private const long ProxyCap = 40_000;
    private const int MaxProxyCalls = 2_000;

    // After the broker is back an outbox retries within its longest back-off (30 s); MassTransit reconnects in seconds.
    private static readonly TimeSpan s_deliveryDeadline = TimeSpan.FromSeconds(120);

    private readonly SmtpTestServer _smtp = new();
    private readonly string _keys = Directory.CreateTempSubdirectory("bus-keys-").FullName;
    private TemporaryRabbitMqServer? _broker;
    private GatewayProcess[] _nodes = [];

    /// <summary>How long the broker stays down; <c>PLATFORM_FAULT_OUTAGE_SECONDS</c> lengthens it for a recorded run.</summary>
    private static TimeSpan Outage => SecondsFromEnvironment("PLATFORM_FAULT_OUTAGE_SECONDS", 60);

    private TemporaryRabbitMqServer Broker => _broker ?? throw new InvalidOperationException("The broker has not started.");

    public async ValueTask InitializeAsync()
    {
        var database = await postgres.Cluster.CreateDatabaseAsync("bus", Ct);
        var clusterId = $"bus-{Guid.NewGuid():N}"[..20];
        _broker = await TemporaryRabbitMqServer.StartAsync(Ct);
        _nodes = [.. new[] { "node-a", "node-b", "node-c" }.Select(name =>
        {
            var environment = ClusterNodeEnvironment(_smtp, database, clusterId, name, _keys).WithSettings(_broker.BusSettings());

            // Repeats dropped by the feed are logged at Debug; the outage test counts them.
            environment["Logging__LogLevel__Platform.Grains.Events.WorkspaceEventsConsumer"] = "Debug";
            return new GatewayProcess(environment);
        })];
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes.Reverse())
        {
            await node.DisposeAsync();
        }

        if (_broker is not null)
        {
            await _broker.DisposeAsync();
        }

        await _smtp.DisposeAsync();
        Directory.Delete(_keys, recursive: true);
    }

    [Fact(Timeout = 240_000)]
    public async Task An_approval_asked_on_one_node_and_given_on_another_lands_once_in_the_feed_every_node_serves_and_in_no_other_workspace()
    {
        var (a, b) = (_nodes[0], _nodes[1]);
        await StartClusterAsync(a, b);
        var (ownerKey, approverKey) = await CreateWorkspaceAsync(a);
        var (otherOwnerKey, _) = await CreateWorkspaceAsync(b);
        using var ownerOnA = a.Client(ownerKey);
        using var ownerOnB = b.Client(ownerKey);
        using var approverOnB = b.Client(approverKey);
        using var otherOwner = b.Client(otherOwnerKey);

        var runId = await StartRunAsync(ownerOnA, EmailRun);
        await PollRunAsync(ownerOnA, runId, "waitingForApproval");
        var approvalId = await ApproveOnlyPendingAsync(approverOnB);
        await PollRunAsync(ownerOnB, runId, "completed");

        string[] expected = ["approval.requested", "approval.decided", "run.finished"];
        await WaitForAsync(async () => (await FeedAsync(ownerOnB)).Count(e => e.RunId == runId) == expected.Length, TimeSpan.FromSeconds(30), "the run's three events in its feed");
        var onA = await FeedAsync(ownerOnA);
        var onB = await FeedAsync(ownerOnB);
        Assert.Equal(onA.Select(static e => e.EventId), onB.Select(static e => e.EventId));
        Assert.Equal(expected.Order(StringComparer.Ordinal), onB.Select(static e => e.Type).Order(StringComparer.Ordinal));
        Assert.Equal(onB.Length, onB.Select(static e => e.EventId).Distinct().Count());
        Assert.All(onB.Where(static e => e.Type.StartsWith("approval.", StringComparison.Ordinal)), e => Assert.Equal(approvalId, e.ApprovalId));
        Assert.Empty(await FeedAsync(otherOwner));

        var mail = Assert.Single(_smtp.Messages);
        Assert.Equal(["bob@example.test"], mail.Recipients);
        await AssertAuditVerifiesAsync(ownerOnB);
        AssertBrokerPasswordNeverLogged();
    }

    [Fact(Timeout = 480_000)]
    public async Task Events_of_a_broker_outage_under_load_all_reach_their_feeds_once_when_it_is_back_and_no_node_leaves_the_balancer()
    {
        await StartClusterAsync(_nodes);
        await using var nginx = await NginxServer.StartAsync(_nodes.Select(static n => n.BaseAddress), Ct);

        // An approving workspace made through each node, one whose proxy key spends its cap through nginx, and a key of
        // the first approving workspace that calls the model through nginx for as long as the broker is down.
        var approving = new List<(string Owner, string Approver)>();
        foreach (var node in _nodes)
        {
            approving.Add(await CreateWorkspaceAsync(node));
        }

        var (spenderOwner, _) = await CreateWorkspaceAsync(_nodes[0]);
        using var spender = _nodes[1].Client(spenderOwner);
        (await spender.PutAsJsonAsync("/api/budget", new { monthlyCapMicros = ProxyCap }, Ct)).EnsureSuccessStatusCode();
        var spenderKey = await ProxyKeyAsync(spender);
        using var steadyOwner = _nodes[0].Client(approving[0].Owner);
        var steadyKey = await ProxyKeyAsync(steadyOwner);

        await Broker.StopAsync(Ct);
        var outage = Stopwatch.StartNew();
        var readiness = new ReadinessProbe(_nodes);
        using var outageOver = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        // The load of the outage: rounds of a run asked on one node, approved on the next and read on the third, beside
        // a run that needs no approval, while both proxy keys call the model through nginx.
        var spending = CallThroughAsync(nginx, spenderKey, MaxProxyCalls, Ct);
        var steady = CallThroughAsync(nginx, steadyKey, int.MaxValue, outageOver.Token);
        var runs = new List<(int Workspace, string RunId, bool Approved)>();
        for (var round = 0; round < approving.Count || outage.Elapsed < Outage; round++)
        {
            var i = round % approving.Count;
            await RunRoundAsync(approving, i, _nodes[i], _nodes[(i + 1) % _nodes.Length], _nodes[(i + 2) % _nodes.Length], runs);
            await readiness.ProbeAsync();
        }

        await outageOver.CancelAsync();
        var (proxyCalls, proxyAnswered, proxyThrottled, _) = await spending;
        var (steadyCalls, steadyAnswered, steadyThrottled, steadyRefusal) = await steady;
        var loadTime = outage.Elapsed;

        string[] owners = [.. approving.Select(static w => w.Owner).Append(spenderOwner)];
        var seenDuringOutage = await CountFeedsAsync(_nodes[0], owners);
        await Broker.StartNodeAsync(Ct);
        var back = Stopwatch.StartNew();

        var expected = await ExpectedEventsAsync(_nodes[2], owners, runs);
        await WaitForAsync(async () => await CountFeedsAsync(_nodes[0], owners) == expected, s_deliveryDeadline, $"all {expected} events of the outage in their feeds");
        var delivered = back.Elapsed;
        await AssertEachRunAnnouncedOnceAsync(_nodes[1], approving, runs);

        var budgetFeed = await FeedAsync(spender);
        Assert.Equal(budgetFeed.Length, budgetFeed.Select(static e => e.EventId).Distinct().Count());
        Assert.True(budgetFeed.Count(static e => e.Type == "budget.threshold_crossed") >= 3, $"the 50, 75 and 90 % warnings; got {string.Join(", ", budgetFeed.Select(static e => e.Summary))}");
        var budget = await GetAsync(spender, "/api/budget");
        var spent = budget.GetProperty("spentMicros").GetInt64();
        var ledger = await LedgerAsync(spender);
        await AssertAuditVerifiesAsync(spender);
        foreach (var (owner, _) in approving)
        {
            using var client = _nodes[2].Client(owner);
            await AssertAuditVerifiesAsync(client);
        }

        var repeats = _nodes.Sum(static n => CountOf(n.Output, "Dropped a repeated"));
        var sends = _smtp.Messages.Count;
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"broker down {loadTime.TotalSeconds:F0} s under load: {runs.Count} runs, {steadyCalls} steady proxy calls ({steadyAnswered} answered), {proxyCalls} calls spending a cap ({proxyAnswered} answered), " +
            $"{steadyThrottled + proxyThrottled} answered 429 and repeated after a second, " +
            $"{expected} events announced, {seenDuringOutage} in feeds during the outage, all {expected} delivered {delivered.TotalSeconds:F1} s after the broker was back, " +
            $"{repeats} repeats dropped by the feeds, {readiness.Probes} readiness probes ({readiness.NotReady} not ready), " +
            $"{sends} mails for {runs.Count(static r => r.Approved)} approved sends, spent {spent} of a cap of {ProxyCap}, {ledger.Count} ledger lines");

        Assert.True(proxyAnswered < proxyCalls, $"the cap of {ProxyCap} refused none of {proxyCalls} calls");
        Assert.True(steadyRefusal is null, $"the steady key was refused after {steadyAnswered} calls: {steadyRefusal}");
        Assert.Equal(0, seenDuringOutage);
        Assert.Equal(0, readiness.NotReady);
        Assert.Equal(runs.Count(static r => r.Approved), sends);
        Assert.All(_smtp.Messages, static m => Assert.Equal(["bob@example.test"], m.Recipients));
        Assert.True(spent <= ProxyCap, $"spent {spent} of a cap of {ProxyCap}");
        Assert.True(ledger.Count >= proxyAnswered, $"{proxyAnswered} calls were answered but the ledger has {ledger.Count} lines");
        AssertBrokerPasswordNeverLogged();
    }

    [Fact(Timeout = 420_000)]
    public async Task Events_waiting_in_the_outbox_of_a_killed_node_are_published_from_the_survivor_once_the_broker_is_back()
    {
        var (survivor, doomed) = (_nodes[0], _nodes[1]);
        await StartClusterAsync(survivor, doomed);

        // Workspaces made and worked through the node that will die, so their grains (and outboxes) mostly live there.
        var approving = new List<(string Owner, string Approver)>();
        for (var i = 0; i < 3; i++)
        {
            approving.Add(await CreateWorkspaceAsync(doomed));
        }

        await Broker.StopAsync(Ct);
        var runs = new List<(int Workspace, string RunId, bool Approved)>();
        for (var i = 0; i < approving.Count; i++)
        {
            await RunRoundAsync(approving, i, doomed, doomed, doomed, runs);
        }

        string[] owners = [.. approving.Select(static w => w.Owner)];
        var expected = await ExpectedEventsAsync(survivor, owners, runs);
        await doomed.KillAsync();
        var clock = Stopwatch.StartNew();
        await Broker.StartNodeAsync(Ct);
        await WaitForAsync(async () => (await ClusterAsync(survivor)).Any(static s => s.Name == "node-b" && s.Status == "dead"), s_deliveryDeadline, "node-a to declare node-b dead");
        var declaredDead = clock.Elapsed;

        // The dead node's outboxes are found by their reminders, which the survivor now owns (a minute's period).
        await WaitForAsync(async () => await CountFeedsAsync(survivor, owners) == expected, s_deliveryDeadline + EventOutbox.ReminderPeriod, $"all {expected} events in their feeds");
        var delivered = clock.Elapsed;
        await AssertEachRunAnnouncedOnceAsync(survivor, approving, runs);
        foreach (var owner in owners)
        {
            using var client = survivor.Client(owner);
            await AssertAuditVerifiesAsync(client);
        }

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"node killed with the broker down after {runs.Count} runs ({expected} events unpublished); declared dead after {declaredDead.TotalSeconds:F1} s; " +
            $"all {expected} events in their feeds {delivered.TotalSeconds:F1} s after the kill; {_smtp.Messages.Count} mails for {runs.Count(static r => r.Approved)} approved sends");
        Assert.Equal(runs.Count(static r => r.Approved), _smtp.Messages.Count);
        AssertBrokerPasswordNeverLogged();
    }

    /// <summary>
    /// A run that needs approval, asked through <paramref name="asker"/> and approved through <paramref name="approver"/>,
    /// beside one that needs none; both read to completion through <paramref name="reader"/> and added to <paramref name="runs"/>.
    /// </summary>
    private static async Task RunRoundAsync(List<(string Owner, string Approver)> workspaces, int workspace, GatewayProcess asker, GatewayProcess approver, GatewayProcess reader, List<(int Workspace, string RunId, bool Approved)> runs)
    {
        using var owner = asker.Client(workspaces[workspace].Owner);
        using var approving = approver.Client(workspaces[workspace].Approver);
        using var reading = reader.Client(workspaces[workspace].Owner);
        var emailRun = await StartRunAsync(owner, EmailRun);
        var plainRun = await StartRunAsync(owner, "say hello");
        await PollRunAsync(owner, emailRun, "waitingForApproval");
        await ApproveOnlyPendingAsync(approving);
        await PollRunAsync(reading, emailRun, "completed");
        await PollRunAsync(reading, plainRun, "completed");
        runs.Add((workspace, emailRun, true));
        runs.Add((workspace, plainRun, false));
    }

    /// <summary>Three events for each approved run, one for each other run, and one for each crossing the budgets audited.</summary>
    private static async Task<int> ExpectedEventsAsync(GatewayProcess node, IEnumerable<string> owners, List<(int Workspace, string RunId, bool Approved)> runs)
    {
        var crossings = 0;
        foreach (var owner in owners)
        {
            using var client = node.Client(owner);
            crossings += (await GetAsync(client, "/api/audit?kind=budget.threshold&limit=1000")).GetProperty("entries").GetArrayLength();
        }

        return runs.Sum(static r => r.Approved ? 3 : 1) + crossings;
    }

    private static async Task AssertEachRunAnnouncedOnceAsync(GatewayProcess node, List<(string Owner, string Approver)> workspaces, List<(int Workspace, string RunId, bool Approved)> runs)
    {
        foreach (var group in runs.GroupBy(static r => r.Workspace))
        {
            using var owner = node.Client(workspaces[group.Key].Owner);
            var feed = await FeedAsync(owner);
            Assert.Equal(feed.Length, feed.Select(static e => e.EventId).Distinct().Count());
            foreach (var (_, runId, approved) in group)
            {
                var types = feed.Where(e => e.RunId == runId).Select(static e => e.Type).Order(StringComparer.Ordinal);
                Assert.Equal(approved ? ["approval.decided", "approval.requested", "run.finished"] : ["run.finished"], types);
            }
        }
    }

    /// <summary>
    /// Proxied calls through nginx until one is refused, <paramref name="limit"/> are made or <paramref name="stop"/>
    /// is signalled; returns how many were made and answered.
    /// </summary>
    private static async Task<(int Calls, int Answered, int Throttled, string? Refusal)> CallThroughAsync(NginxServer balancer, string proxyKey, int limit, CancellationToken stop)
    {
        using var app = balancer.Client(proxyKey);
        var calls = 0;
        var throttled = 0;
        while (calls < limit && !stop.IsCancellationRequested)
        {
            calls++;
            var (status, body) = await ProxyCallAsync(app, calls);
            if (IsRateLimited(status, body))
            {
                calls--;
                throttled++;
                await Task.Delay(TimeSpan.FromSeconds(1), Ct);
                continue;
            }

            if (status != HttpStatusCode.OK)
            {
                return (calls, calls - 1, throttled, $"{(int)status}: {body}");
            }
        }

        return (calls, calls, throttled, null);
    }

    private static async Task<int> CountFeedsAsync(GatewayProcess node, IEnumerable<string> owners)
    {
        var total = 0;
        foreach (var owner in owners)
        {
            using var client = node.Client(owner);
            total += (await FeedAsync(client)).Length;
        }

        return total;
    }

    private static async Task<FeedEvent[]> FeedAsync(HttpClient member) =>
        [.. (await GetAsync(member, "/api/events?limit=500")).EnumerateArray().Select(static e => new FeedEvent(
            e.GetProperty("eventId").GetGuid(),
            e.GetProperty("type").GetString()!,
            e.GetProperty("summary").GetString()!,
            e.GetProperty("runId").ValueKind == JsonValueKind.String ? e.GetProperty("runId").GetString() : null,
            e.GetProperty("approvalId").ValueKind == JsonValueKind.String ? e.GetProperty("approvalId").GetString() : null))];

    private static int CountOf(string text, string what)
    {
        var count = 0;
        for (var at = text.IndexOf(what, StringComparison.Ordinal); at >= 0; at = text.IndexOf(what, at + what.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private void AssertBrokerPasswordNeverLogged()
    {
        foreach (var node in _nodes)
        {
            Assert.DoesNotContain(Broker.Password, node.Output, StringComparison.Ordinal);
            Assert.All(node.ResponseBodies, body => Assert.DoesNotContain(Broker.Password, body, StringComparison.Ordinal));
        }
    }

    private sealed record FeedEvent(Guid EventId, string Type, string Summary, string? RunId, string? ApprovalId);

}
