using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Testing;

namespace Platform.Gateway.Tests;

/// <summary>Shared steps for the tests that drive a real <see cref="GatewayProcess"/>.</summary>
internal static class ProcessFlow
{
    public const string OperatorKey = "op_process_tests_operator_key_0123456789abcdef";
    public const string OpenAiKey = "sk-process-tests-0123456789";

    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan s_viewDeadline = TimeSpan.FromSeconds(30);

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Environment for a gateway that mails through <paramref name="smtp"/> and resumes runs about every second.</summary>
    public static Dictionary<string, string> Environment(SmtpTestServer smtp) => new()
    {
        ["Platform__OperatorKey"] = OperatorKey,
        ["Platform__Smtp__Host"] = "127.0.0.1",
        ["Platform__Smtp__Port"] = smtp.Port.ToString(CultureInfo.InvariantCulture),
        ["Platform__Models__OpenAI__ApiKey"] = OpenAiKey,
        ["Platform__Models__OpenAI__AllowedBaseUrls__0"] = "http://127.0.0.1/",
        ["Platform__Runs__ResumeInterval"] = "00:00:01",
        ["Platform__Invitations__RedeemAttemptsPerMinute"] = "100000",
        // Resumption is an Orleans reminder, whose period may not be shorter than this (a minute by default).
        ["Silo__MinimumReminderPeriod"] = "00:00:01",
    };

    /// <summary>
    /// Environment for node <paramref name="name"/> of cluster <paramref name="clusterId"/> over one PostgreSQL
    /// database, with the key file in <paramref name="keysDirectory"/> shared by every node, as a deployment shares its
    /// key vault.
    /// </summary>
    public static Dictionary<string, string> ClusterNodeEnvironment(SmtpTestServer smtp, string database, string clusterId, string name, string keysDirectory)
    {
        var environment = Environment(smtp);
        environment["Silo__Clustering"] = "postgres";
        environment["Silo__Storage"] = "postgres";
        environment["Silo__Postgres__ConnectionString"] = database;
        environment["Silo__ClusterId"] = clusterId;
        environment["Silo__AdvertisedAddress"] = "127.0.0.1";
        environment["Silo__NodeName"] = name;
        environment["Platform__Keys__KeyFilePath"] = Path.Combine(keysDirectory, "keys.json");
        return environment;
    }

    /// <summary>Adds configuration <paramref name="settings"/> (<c>Section:Key</c>) to a process environment (<c>Section__Key</c>).</summary>
    public static Dictionary<string, string> WithSettings(this Dictionary<string, string> environment, IReadOnlyDictionary<string, string?> settings)
    {
        foreach (var (key, value) in settings)
        {
            environment[key.Replace(":", "__", StringComparison.Ordinal)] = value!;
        }

        return environment;
    }

    /// <summary>Starts <paramref name="nodes"/> one after the other (the first writes the key file the others read) and waits until each sees all of them active.</summary>
    public static async Task StartClusterAsync(params GatewayProcess[] nodes)
    {
        foreach (var node in nodes)
        {
            await node.StartAsync(Ct);
        }

        foreach (var node in nodes)
        {
            await WaitForAsync(async () => (await ClusterAsync(node)).Count(static s => s.Status == "active") == nodes.Length, s_viewDeadline, "every node to see the others");
        }
    }

    /// <summary>The silos <paramref name="node"/> knows, as its operator sees them.</summary>
    public static async Task<(string Name, string Status)[]> ClusterAsync(GatewayProcess node)
    {
        using var op = node.Client(OperatorKey);
        var view = await GetAsync(op, "/api/cluster");
        return [.. view.GetProperty("silos").EnumerateArray().Select(static s => (s.GetProperty("name").GetString()!, s.GetProperty("status").GetString()!))];
    }

    /// <summary>
    /// Polls <paramref name="condition"/> until it holds or <paramref name="deadline"/> passes, counting a refused
    /// connection or a timed-out call as "not yet": in a fault test those are what the condition waits out.
    /// </summary>
    public static async Task WaitForAsync(Func<Task<bool>> condition, TimeSpan deadline, string what)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!Ct.IsCancellationRequested)
            {
                // A call to a grain on a dead node waits for its timeout; the next try may find it moved.
            }

            Assert.True(clock.Elapsed < deadline, $"timed out after {deadline.TotalSeconds} s waiting for {what}");
            await Task.Delay(250, Ct);
        }
    }

    /// <summary>A new proxy-scoped key of the owner's workspace.</summary>
    public static async Task<string> ProxyKeyAsync(HttpClient owner) =>
        (await ReadAsync(await owner.PostAsJsonAsync("/api/keys", new { name = "app", scopes = new[] { "proxy" } }, Ct))).GetProperty("token").GetString()!;

    /// <summary>One call of the offline model through <c>/v1/chat/completions</c>; the answer's status and body.</summary>
    public static Task<(HttpStatusCode Status, string Body)> ProxyCallAsync(HttpClient app, int call) => ProxyCallAsync(app, call, "local-rules-1");

    /// <summary>One call of the workspace's model <paramref name="model"/> (its catalogue id) through <c>/v1/chat/completions</c>.</summary>
    public static async Task<(HttpStatusCode Status, string Body)> ProxyCallAsync(HttpClient app, int call, string model)
    {
        using var answer = await app.PostAsJsonAsync("/v1/chat/completions", new { model, messages = new[] { new { role = "user", content = $"note call {call}" } } }, Ct);
        return (answer.StatusCode, await answer.Content.ReadAsStringAsync(Ct));
    }

    /// <summary>
    /// Whether an answer is the key's rate limit (wait a second, as Retry-After says, and call again), not its budget,
    /// which under <c>/v1</c> is a 429 too, as OpenAI answers, and is final.
    /// </summary>
    public static bool IsRateLimited(HttpStatusCode status, string body) =>
        status == HttpStatusCode.TooManyRequests && body.Contains("\"rate_limit_exceeded\"", StringComparison.Ordinal);

    /// <summary>A number of seconds from environment variable <paramref name="variable"/> (a longer recorded run), or <paramref name="fallback"/>.</summary>
    public static TimeSpan SecondsFromEnvironment(string variable, int fallback) => TimeSpan.FromSeconds(
        int.TryParse(System.Environment.GetEnvironmentVariable(variable), CultureInfo.InvariantCulture, out var seconds) && seconds > 0 ? seconds : fallback);

    /// <summary>A workspace with a 5 USD cap and an approver; returns the owner's and the approver's keys.</summary>
    public static async Task<(string Owner, string Approver)> CreateWorkspaceAsync(GatewayProcess gateway, object? model = null)
    {
        using var op = gateway.Client(OperatorKey);
        var created = await ReadAsync(await op.PostAsJsonAsync("/api/workspaces", new { name = "Acme", ownerUserId = "olive@acme.test", ownerDisplayName = "Olive" }, Ct));
        var ownerKey = created.GetProperty("ownerKey").GetString()!;
        using var owner = gateway.Client(ownerKey);
        (await owner.PutAsJsonAsync("/api/budget", new { monthlyCapMicros = 5_000_000 }, Ct)).EnsureSuccessStatusCode();
        if (model is not null)
        {
            // Prices are the operator's: the operator puts the entry into the catalogue, the workspace chooses it.
            var modelId = $"fake-model-{created.GetProperty("workspaceId").GetString()}";
            await ReadAsync(await op.PutAsJsonAsync($"/api/catalog/models/{modelId}", model, Ct));
            await ReadAsync(await owner.PatchAsJsonAsync("/api/workspace", new { model = new { catalogId = modelId } }, Ct));
        }

        using var anonymous = gateway.Client();
        var approver = await Invitations.JoinAsync(owner, anonymous, "alice@acme.test", ["approver", "member"], ["approver"], Ct);
        return (ownerKey, approver);
    }

    /// <summary>A catalogue entry for the <c>openai</c> provider pointing at <paramref name="fake"/>.</summary>
    public static object OpenAiModel(FakeOpenAiServer fake) => new
    {
        provider = "openai",
        model = "fake-model",
        baseUrl = fake.BaseUrl.ToString(),
        inputPricePer1kTokens = 1_000,
        outputPricePer1kTokens = 2_000,
        maxOutputTokens = 256,
    };

    public static async Task<string> StartRunAsync(HttpClient owner, string input)
    {
        var started = await owner.PostAsJsonAsync("/api/runs", new { input }, Ct);
        return (await ReadAsync(started)).GetProperty("runId").GetString()!;
    }

    public static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} from {response.RequestMessage?.RequestUri}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public static async Task<JsonElement> GetAsync(HttpClient client, string path) => await ReadAsync(await client.GetAsync(new Uri(path, UriKind.Relative), Ct));

    /// <summary>
    /// Polls a run until it reaches <paramref name="status"/>, failing with the last state seen. For a final status it
    /// also waits until the run listing shows it: a run is seen finished while it still writes its listing entry, and a
    /// test that stops the gateway in that moment leaves the call on a stopping silo that cannot place the listing grain
    /// again (a graceful stop then waits past its timeout). The workspace is at rest when this returns.
    /// </summary>
    public static async Task<JsonElement> PollRunAsync(HttpClient client, string runId, string status)
    {
        JsonElement run = default;
        await UntilAsync($"run {runId} to reach '{status}'", async () =>
        {
            run = await GetAsync(client, $"/api/runs/{runId}");
            return run.GetProperty("status").GetString() == status;
        }, () => $"last seen: {run}");
        if (status is "completed" or "failed" or "cancelled")
        {
            var listed = "";
            await UntilAsync($"the run listing to show run {runId} {status}", async () =>
            {
                listed = await client.GetStringAsync(new Uri($"/api/runs?status={status}", UriKind.Relative), Ct);
                return listed.Contains($"\"{runId}\"", StringComparison.Ordinal);
            }, () => $"last listed: {listed}");
        }

        return run;
    }

    /// <summary>Polls <paramref name="condition"/> until it holds, failing with what it waited for after the deadline.</summary>
    public static async Task<bool> UntilAsync(string what, Func<Task<bool>> condition, Func<string>? lastSeen = null)
    {
        var deadline = DateTime.UtcNow + s_deadline;
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(25, Ct);
        }

        Assert.Fail($"Waited {s_deadline.TotalSeconds} s for {what}; {lastSeen?.Invoke() ?? "it did not happen"}.");
        return false;
    }

    public static Task<bool> UntilAsync(string what, Func<bool> condition) => UntilAsync(what, () => Task.FromResult(condition()));

    /// <summary>Approves the single pending approval and returns its id.</summary>
    public static async Task<string> ApproveOnlyPendingAsync(HttpClient approver)
    {
        var pending = await GetAsync(approver, "/api/approvals?state=pending");
        var approvalId = pending.EnumerateArray().Single().GetProperty("approvalId").GetString()!;
        await ReadAsync(await approver.PostAsJsonAsync($"/api/approvals/{approvalId}/approve", new { comment = "ok" }, Ct));
        return approvalId;
    }

    public static async Task AssertAuditVerifiesAsync(HttpClient owner)
    {
        var verification = await GetAsync(owner, "/api/audit/verify");
        Assert.True(verification.GetProperty("valid").GetBoolean(), $"Audit chain does not verify: {verification}");
    }

    /// <summary>This period's settled ledger entries as (sequence, amount), read page by page.</summary>
    public static async Task<List<(long Sequence, long Amount)>> LedgerAsync(HttpClient owner)
    {
        var entries = new List<(long Sequence, long Amount)>();
        while (true)
        {
            var after = entries.Count == 0 ? 0 : entries[^1].Sequence;
            var page = (await GetAsync(owner, $"/api/budget/ledger?after={after}&limit=1000")).GetProperty("entries");
            entries.AddRange(page.EnumerateArray().Select(e => (e.GetProperty("sequence").GetInt64(), e.GetProperty("amountMicros").GetInt64())));
            if (page.GetArrayLength() < 1000)
            {
                return entries;
            }
        }
    }
}
