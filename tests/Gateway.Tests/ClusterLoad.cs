using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using static Platform.Gateway.Tests.ProcessFlow;

namespace Platform.Gateway.Tests;

/// <summary>
/// Continuous load on a cluster while a fault is injected: proxy lanes that call <c>/v1/chat/completions</c> with a
/// workspace's key, and a lane of agent runs that wait for approval and then mail. Each lane is given its routes (nginx,
/// or every node in turn); a call that fails (refused, timed out, 5xx) is counted, timed and the lane goes on. Nothing
/// that may have taken effect is repeated (a run start or a spend), so every acknowledged call and every approved send
/// is known when the load ends.
/// </summary>
/// <param name="clock">The load's clock, on which failures and answers are timed.</param>
/// <param name="routes">How many routes the lanes take in turn (step <c>n</c> goes through route <c>n % routes</c>), so each failure and answer is known by route.</param>
internal sealed class ClusterLoad(Stopwatch clock, int routes)
{
    private static readonly TimeSpan s_runStepDeadline = TimeSpan.FromSeconds(150);
    private static readonly TimeSpan s_pause = TimeSpan.FromMilliseconds(250);

    private readonly object _gate = new();
    private readonly List<(TimeSpan At, int Route)> _failures = [];
    private readonly List<(TimeSpan At, int Route)> _answers = [];

    /// <summary>The runs whose approval was given and which completed: each must have mailed once.</summary>
    public List<string> ApprovedRuns { get; } = [];

    /// <summary>
    /// Approved runs whose send was under way on a node that died: the run went on without sending again and says the
    /// send's outcome is unknown, so the mail may or may not have gone (never twice).
    /// </summary>
    public List<string> UnknownOutcomeRuns { get; } = [];

    /// <summary>Runs that completed without needing an approval.</summary>
    public int PlainRuns { get; private set; }

    /// <summary>Run starts that failed: not repeated, since the start may have landed.</summary>
    public int RunStartsFailed { get; private set; }

    /// <summary>When (on the load's clock) and through which route every failed call of every lane happened, in time order.</summary>
    public IReadOnlyList<(TimeSpan At, int Route)> Failures
    {
        get
        {
            lock (_gate)
            {
                return [.. _failures.OrderBy(static f => f.At)];
            }
        }
    }

    /// <summary>When and through which route every proxy call was answered 200, in time order.</summary>
    public IReadOnlyList<(TimeSpan At, int Route)> Answers
    {
        get
        {
            lock (_gate)
            {
                return [.. _answers.OrderBy(static a => a.At)];
            }
        }
    }

    /// <summary>
    /// Calls <paramref name="model"/> (the workspace's catalogue id) with <paramref name="clients"/> (one per route) in
    /// turn until <paramref name="stop"/>, going on after the cap refuses (a refusal must hold through the fault as well).
    /// </summary>
    public async Task<ProxyLane> SpendAsync(IReadOnlyList<HttpClient> clients, string model, CancellationToken stop)
    {
        Assert.Equal(routes, clients.Count);
        var lane = new ProxyLane();
        for (var call = 0; !stop.IsCancellationRequested; call++)
        {
            var route = call % routes;
            HttpStatusCode status;
            string body;
            try
            {
                (status, body) = await ProxyCallAsync(clients[route], call, model);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !Ct.IsCancellationRequested)
            {
                Fail(lane, route);
                continue;
            }

            if (IsRateLimited(status, body))
            {
                await Task.Delay(TimeSpan.FromSeconds(1), Ct);
            }
            else if (status == HttpStatusCode.OK)
            {
                lane.Answered++;
                lock (_gate)
                {
                    _answers.Add((clock.Elapsed, route));
                }
            }
            else if (status == HttpStatusCode.TooManyRequests && body.Contains("\"budget_exceeded\"", StringComparison.Ordinal))
            {
                lane.RefusedAtCap++;
            }
            else
            {
                Fail(lane, route);
                await Task.Delay(s_pause, Ct);
            }
        }

        return lane;
    }

    /// <summary>
    /// Rounds over <paramref name="workspaces"/> until <paramref name="stop"/>: a run that must be approved beside one
    /// that needs none, each step through the client its workspace's functions give for the step's number (the next
    /// route), every read retried until it answers.
    /// </summary>
    public async Task RunAsync(IReadOnlyList<(Func<int, HttpClient> Owner, Func<int, HttpClient> Approver)> workspaces, CancellationToken stop)
    {
        for (var round = 0; !stop.IsCancellationRequested; round++)
        {
            var (owner, approver) = workspaces[round % workspaces.Count];
            var emailRun = await TryStartAsync(owner(round), round, "email bob@example.test that the report is ready");
            var plainRun = await TryStartAsync(owner(round + 1), round + 1, "say hello");
            if (emailRun is not null)
            {
                await ApproveAsync(owner, approver, emailRun, round);
                ApprovedRuns.Add(emailRun);
            }

            if (plainRun is not null)
            {
                await ReachAsync(owner, plainRun, "completed", round);
                PlainRuns++;
            }
        }
    }

    /// <summary>Waits until <paramref name="runId"/> asks, approves it, and waits until it completed: every call retried until it answers.</summary>
    public async Task ApproveAsync(Func<int, HttpClient> owner, Func<int, HttpClient> approver, string runId, int route)
    {
        await ReachAsync(owner, runId, "waitingForApproval", route);
        string? approvalId = null;
        await EventuallyAsync($"the approval of run {runId}", route, async attempt =>
        {
            using var client = approver(attempt);
            var pending = await GetAsync(client, "/api/approvals?state=pending");
            approvalId = pending.EnumerateArray().FirstOrDefault(a => a.GetProperty("runId").GetString() == runId) is { ValueKind: JsonValueKind.Object } a
                ? a.GetProperty("approvalId").GetString()
                : null;
            return approvalId is not null;
        });

        // An approval whose answer was lost may have landed: look before approving again.
        await EventuallyAsync($"approval {approvalId} to be given", route, async attempt =>
        {
            using var client = approver(attempt);
            var state = (await GetAsync(client, $"/api/approvals/{approvalId}")).GetProperty("state").GetString();
            if (state == "approved")
            {
                return true;
            }

            using var given = await client.PostAsJsonAsync($"/api/approvals/{approvalId}/approve", new { comment = "ok" }, Ct);
            return given.IsSuccessStatusCode;
        });

        var finished = await ReachAsync(owner, runId, "completed", route);
        if (finished.GetProperty("events").EnumerateArray().Any(static e => e.GetProperty("kind").GetString() == "tool.outcome_unknown"))
        {
            UnknownOutcomeRuns.Add(runId);
        }
    }

    private async Task<string?> TryStartAsync(HttpClient owner, int route, string input)
    {
        using (owner)
        {
            try
            {
                using var started = await owner.PostAsJsonAsync("/api/runs", new { input }, Ct);
                if (started.IsSuccessStatusCode)
                {
                    return (await started.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("runId").GetString();
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !Ct.IsCancellationRequested)
            {
            }

            RunStartsFailed++;
            Record(route);
            return null;
        }
    }

    /// <summary>Waits until <paramref name="runId"/> reaches <paramref name="status"/> and returns the run as then read.</summary>
    private async Task<JsonElement> ReachAsync(Func<int, HttpClient> owner, string runId, string status, int route)
    {
        JsonElement reached = default;
        await EventuallyAsync($"run {runId} to reach '{status}'", route, async attempt =>
        {
            using var client = owner(attempt);
            var run = await GetAsync(client, $"/api/runs/{runId}");
            var now = run.GetProperty("status").GetString();
            if (now is "failed" or "cancelled")
            {
                Assert.Fail($"run {runId} ended {now} under the fault: {run}");
            }

            reached = run;
            return now == status;
        });
        return reached;
    }

    /// <summary>
    /// Tries <paramref name="step"/> until it holds, each attempt given the next route's number from <paramref name="route"/>
    /// on; a failed attempt is recorded against its route.
    /// </summary>
    private async Task EventuallyAsync(string what, int route, Func<int, Task<bool>> step)
    {
        var started = Stopwatch.StartNew();
        for (var attempt = route; ; attempt++)
        {
            try
            {
                if (await step(attempt))
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or Xunit.Sdk.TrueException && !Ct.IsCancellationRequested)
            {
                // ReadAsync asserts success; under the fault a 5xx is one more failed call, not the test's end.
                Record(attempt);
            }

            Assert.True(started.Elapsed < s_runStepDeadline, $"timed out after {s_runStepDeadline.TotalSeconds} s waiting for {what}");
            await Task.Delay(s_pause, Ct);
        }
    }

    private void Fail(ProxyLane lane, int route)
    {
        lane.Failed++;
        Record(route);
    }

    private void Record(int route)
    {
        lock (_gate)
        {
            _failures.Add((clock.Elapsed, route % routes));
        }
    }
}
