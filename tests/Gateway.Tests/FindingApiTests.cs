using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Platform.Gateway.Tests;

/// <summary>
/// Finding things again without having kept their ids: the run listing, the operator's workspace listing, and a
/// Location on every 201 that answers a GET. Runs on every store: see the OnSqlite and OnPostgres subclasses.
/// </summary>
public abstract class FindingApiTests(ApiFixture api)
{
    private const string Owner = "owner@acme.test";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Runs_are_listed_newest_first_with_status_times_and_cost_but_not_their_input()
    {
        using var owner = await WorkspaceWithCapAsync("Runs Listed");
        var completed = await StartAsync(owner, "what are my notes");
        api.Gateway.Time.Advance(TimeSpan.FromSeconds(1));
        var waiting = await StartAsync(owner, "email bob@example.test that the confidential merger is on");
        api.Gateway.Time.Advance(TimeSpan.FromSeconds(1));
        var cancelled = await StartAsync(owner, "email carol@example.test that the launch slipped");
        await ProcessFlow.PollRunAsync(owner, cancelled, "waitingForApproval");
        (await owner.PostAsync(new Uri($"/api/runs/{cancelled}/cancel", UriKind.Relative), null, Ct)).EnsureSuccessStatusCode();

        // A cancel that arrives while the run is still writing its approval request leaves the finish to the run's loop
        // (the cancel answers before it): the listing is waited for until it shows the cancel too, as the other two.
        var runs = await ListedAsync(owner, "/api/runs", r => r.Count == 3 && r[0].GetProperty("status").GetString() == "cancelled" && r[1].GetProperty("status").GetString() == "waitingForApproval" && r[2].GetProperty("status").GetString() == "completed");
        var text = await owner.GetStringAsync(new Uri("/api/runs", UriKind.Relative), Ct);

        Assert.Equal([cancelled, waiting, completed], runs.Select(static r => r.GetProperty("runId").GetString()!).ToArray());
        Assert.Equal(["cancelled", "waitingForApproval", "completed"], runs.Select(static r => r.GetProperty("status").GetString()!).ToArray());
        Assert.All(runs, r => Assert.Equal(Owner, r.GetProperty("startedBy").GetString()));
        Assert.All(runs, r => Assert.True(r.GetProperty("estimateMicros").GetInt64() > 0, $"no estimate in {r}"));
        Assert.True(runs[2].GetProperty("spentMicros").GetInt64() > 0, $"the completed run shows no charge: {runs[2]}");
        Assert.True(runs[0].GetProperty("updatedAt").GetDateTimeOffset() >= runs[0].GetProperty("createdAt").GetDateTimeOffset());
        Assert.True(runs[0].GetProperty("createdAt").GetDateTimeOffset() > runs[1].GetProperty("createdAt").GetDateTimeOffset());
        Assert.DoesNotContain("merger", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\"input\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_listing_pages_with_after_and_limit_and_filters_by_status()
    {
        using var owner = await WorkspaceWithCapAsync("Runs Paged");
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await StartAsync(owner, $"email bob@example.test that report {i} is ready"));
            api.Gateway.Time.Advance(TimeSpan.FromSeconds(1));
        }

        var done = await StartAsync(owner, "what are my notes");
        await ListedAsync(owner, "/api/runs", r => r.Count == 4 && r.Count(x => x.GetProperty("status").GetString() == "waitingForApproval") == 3 && r[0].GetProperty("status").GetString() == "completed");

        var first = await ProcessFlow.GetAsync(owner, "/api/runs?limit=2");
        var second = await ProcessFlow.GetAsync(owner, $"/api/runs?limit=2&after={first.GetProperty("next").GetString()}");
        var waiting = await ProcessFlow.GetAsync(owner, "/api/runs?status=waitingForApproval&limit=2");
        var waitingRest = await ProcessFlow.GetAsync(owner, $"/api/runs?status=WAITINGFORAPPROVAL&after={waiting.GetProperty("next").GetString()}");
        var completed = await ProcessFlow.GetAsync(owner, "/api/runs?status=completed");
        var failed = await ProcessFlow.GetAsync(owner, "/api/runs?status=failed");

        Assert.Equal([done, ids[2]], RunIds(first));
        Assert.Equal(ids[2], first.GetProperty("next").GetString());
        Assert.Equal([ids[1], ids[0]], RunIds(second));
        Assert.Equal(JsonValueKind.Null, second.GetProperty("next").ValueKind);
        Assert.Equal([ids[2], ids[1]], RunIds(waiting));
        Assert.Equal([ids[0]], RunIds(waitingRest));
        Assert.Equal(JsonValueKind.Null, waitingRest.GetProperty("next").ValueKind);
        Assert.Equal([done], RunIds(completed));
        Assert.Empty(RunIds(failed));
    }

    [Theory]
    [InlineData("status=done", "status must be one of running, waitingForApproval, completed, failed, cancelled.")]
    [InlineData("status=1", "status must be one of running, waitingForApproval, completed, failed, cancelled.")]
    [InlineData("limit=0", "limit must be between 1 and 1000.")]
    [InlineData("limit=1001", "limit must be between 1 and 1000.")]
    [InlineData("after=not-a-run", "after must be a run id")]
    [InlineData("after=run0123456789abcdef", "is not listed in this workspace")]
    public async Task Bad_run_listing_parameters_get_400_saying_what_is_accepted(string query, string expected)
    {
        using var owner = await WorkspaceWithCapAsync("Runs Refused");

        using var response = await owner.GetAsync(new Uri($"/api/runs?{query}", UriKind.Relative), Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(expected, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_workspaces_run_is_never_listed_and_is_no_cursor_either()
    {
        using var a = await WorkspaceWithCapAsync("Runs Alpha");
        using var b = await WorkspaceWithCapAsync("Runs Bravo");
        var own = await StartAsync(a, "what are my notes");
        var other = await StartAsync(b, "what are my notes");
        await ListedAsync(b, "/api/runs", r => r.Count == 1);

        var listed = await ListedAsync(a, "/api/runs", r => r.Count == 1);
        using var cursor = await a.GetAsync(new Uri($"/api/runs?after={other}", UriKind.Relative), Ct);

        Assert.Equal(own, Assert.Single(listed).GetProperty("runId").GetString());
        Assert.DoesNotContain(other, await a.GetStringAsync(new Uri("/api/runs?status=completed", UriKind.Relative), Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, cursor.StatusCode);
    }

    [Fact]
    public async Task Operator_lists_workspaces_with_name_created_cap_and_spend_and_no_content()
    {
        var (workspaceId, ownerKey) = await api.CreateWorkspaceAsync("Listed Corp", "lister@listed.test");
        using var owner = api.Client(ownerKey);
        (await owner.PutAsJsonAsync("/api/budget", new { monthlyCapMicros = 7_000_000 }, Ct)).EnsureSuccessStatusCode();
        using var op = api.Client(ApiFixture.OperatorKey);

        var all = await AllWorkspacesAsync(op, limit: 1);
        var listed = all.Single(w => w.GetProperty("workspaceId").GetString() == workspaceId);
        var one = await ProcessFlow.GetAsync(op, $"/api/workspaces/{workspaceId}");

        Assert.Equal("Listed Corp", listed.GetProperty("name").GetString());
        Assert.Equal(7_000_000, listed.GetProperty("capMicros").GetInt64());
        Assert.Equal(0, listed.GetProperty("spentMicros").GetInt64());
        Assert.Equal(api.Gateway.Time.GetUtcNow().UtcDateTime.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture), listed.GetProperty("period").GetString());
        Assert.True(listed.GetProperty("createdAt").GetDateTimeOffset() <= api.Gateway.Time.GetUtcNow());
        Assert.Equal(listed.ToString(), one.ToString());
        Assert.Equal(["capMicros", "createdAt", "name", "period", "spentMicros", "workspaceId"], listed.EnumerateObject().Select(static p => p.Name).Order(StringComparer.Ordinal).ToArray());
        Assert.Equal(all.Count, all.Select(static w => w.GetProperty("workspaceId").GetString()).Distinct().Count());
        Assert.DoesNotContain("lister@listed.test", await op.GetStringAsync(new Uri("/api/workspaces", UriKind.Relative), Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Operator_listing_shows_a_rename_and_drops_a_deleted_workspace()
    {
        var (workspaceId, ownerKey) = await api.CreateWorkspaceAsync("Before Rename");
        using var owner = api.Client(ownerKey);
        using var op = api.Client(ApiFixture.OperatorKey);
        (await owner.PatchAsJsonAsync("/api/workspace", new { name = "After Rename" }, Ct)).EnsureSuccessStatusCode();

        var renamed = await ProcessFlow.GetAsync(op, $"/api/workspaces/{workspaceId}");
        (await owner.DeleteAsync(new Uri("/api/workspace", UriKind.Relative), Ct)).EnsureSuccessStatusCode();
        using var gone = await op.GetAsync(new Uri($"/api/workspaces/{workspaceId}", UriKind.Relative), Ct);
        var all = await AllWorkspacesAsync(op, limit: 100);

        Assert.Equal("After Rename", renamed.GetProperty("name").GetString());
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal("application/problem+json", gone.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain(all, w => w.GetProperty("workspaceId").GetString() == workspaceId);
    }

    [Theory]
    [InlineData("limit=0", "limit must be between 1 and 100.")]
    [InlineData("limit=101", "limit must be between 1 and 100.")]
    [InlineData("after=acme", "after must be a workspace id")]
    [InlineData("after=ws0123456789abcdef0123", "is not one")]
    public async Task Bad_workspace_listing_parameters_get_400_saying_what_is_accepted(string query, string expected)
    {
        using var op = api.Client(ApiFixture.OperatorKey);

        using var response = await op.GetAsync(new Uri($"/api/workspaces?{query}", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Workspace_keys_cannot_list_workspaces_and_the_operator_cannot_list_runs()
    {
        var (workspaceId, ownerKey) = await api.CreateWorkspaceAsync("Scoped Lists");
        using var owner = api.Client(ownerKey);
        using var op = api.Client(ApiFixture.OperatorKey);

        using var list = await owner.GetAsync(new Uri("/api/workspaces", UriKind.Relative), Ct);
        using var one = await owner.GetAsync(new Uri($"/api/workspaces/{workspaceId}", UriKind.Relative), Ct);
        using var runs = await op.GetAsync(new Uri("/api/runs", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.Forbidden, list.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, one.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, runs.StatusCode);
    }

    [Fact]
    public async Task Every_201_has_a_Location_that_answers_a_GET_with_the_same_key()
    {
        using var op = api.Client(ApiFixture.OperatorKey);
        using var createdWorkspace = await op.PostAsJsonAsync("/api/workspaces", new { name = "Located", ownerUserId = Owner, ownerDisplayName = "Olive" }, Ct);
        var workspace = await ProcessFlow.ReadAsync(createdWorkspace);
        using var owner = api.Client(workspace.GetProperty("ownerKey").GetString());
        (await owner.PutAsJsonAsync("/api/budget", new { monthlyCapMicros = 5_000_000 }, Ct)).EnsureSuccessStatusCode();

        await AssertLocationAnswersAsync(op, createdWorkspace, "workspaceId", workspace.GetProperty("workspaceId").GetString()!);
        using var key = await owner.PostAsJsonAsync("/api/keys", new { name = "located", userId = Owner, scopes = new[] { "member" } }, Ct);
        await AssertLocationAnswersAsync(owner, key, "keyId", (await ProcessFlow.ReadAsync(key)).GetProperty("key").GetProperty("keyId").GetString()!);
        using var run = await owner.PostAsJsonAsync("/api/runs", new { input = "what are my notes" }, Ct);
        await AssertLocationAnswersAsync(owner, run, "runId", (await ProcessFlow.ReadAsync(run)).GetProperty("runId").GetString()!);
        using var secret = await owner.PutAsJsonAsync("/api/secrets/located-token", new { value = "located-secret-value-123" }, Ct);
        await AssertLocationAnswersAsync(owner, secret, "name", "located-token");
        using var connector = await owner.PostAsJsonAsync("/api/connectors", new { kind = "http", name = "located", allowedUrls = new[] { "https://located.example/" } }, Ct);
        await AssertLocationAnswersAsync(owner, connector, "connectorId", (await ProcessFlow.ReadAsync(connector)).GetProperty("connectorId").GetString()!);
    }

    [Fact]
    public async Task A_key_or_secret_of_another_workspace_or_unknown_gets_404()
    {
        using var a = await WorkspaceWithCapAsync("Located Alpha");
        var (_, ownerB) = await api.CreateWorkspaceAsync("Located Bravo");
        using var b = api.Client(ownerB);
        var keyOfB = (await b.GetFromJsonAsync<JsonElement>("/api/keys", Ct))[0].GetProperty("keyId").GetString();
        (await b.PutAsJsonAsync("/api/secrets/bravo-token", new { value = "bravo-secret-value-123" }, Ct)).EnsureSuccessStatusCode();

        foreach (var path in new[] { $"/api/keys/{keyOfB}", "/api/keys/000000000000", "/api/secrets/bravo-token", "/api/secrets/unknown" })
        {
            using var response = await a.GetAsync(new Uri(path, UriKind.Relative), Ct);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"GET {path} answered {(int)response.StatusCode}");
        }
    }

    private async Task<HttpClient> WorkspaceWithCapAsync(string name)
    {
        var (_, ownerKey) = await api.CreateWorkspaceAsync(name, Owner);
        var owner = api.Client(ownerKey);
        (await owner.PutAsJsonAsync("/api/budget", new { monthlyCapMicros = 5_000_000 }, Ct)).EnsureSuccessStatusCode();
        return owner;
    }

    private static async Task<string> StartAsync(HttpClient owner, string input)
    {
        using var started = await owner.PostAsJsonAsync("/api/runs", new { input }, Ct);
        return (await ProcessFlow.ReadAsync(started)).GetProperty("runId").GetString()!;
    }

    /// <summary>The runs listed at <paramref name="path"/> once they satisfy <paramref name="ready"/> (runs continue in the background).</summary>
    private static async Task<List<JsonElement>> ListedAsync(HttpClient client, string path, Func<List<JsonElement>, bool> ready)
    {
        var runs = new List<JsonElement>();
        await ProcessFlow.UntilAsync($"{path} to list the expected runs", async () =>
        {
            runs = [.. (await ProcessFlow.GetAsync(client, path)).GetProperty("runs").EnumerateArray()];
            return ready(runs);
        }, () => $"last seen: {string.Join(", ", runs)}");
        return runs;
    }

    private static string[] RunIds(JsonElement page) =>
        [.. page.GetProperty("runs").EnumerateArray().Select(static r => r.GetProperty("runId").GetString()!)];

    /// <summary>Every listed workspace, following <c>next</c> page by page.</summary>
    private static async Task<List<JsonElement>> AllWorkspacesAsync(HttpClient op, int limit)
    {
        var all = new List<JsonElement>();
        string? after = null;
        do
        {
            var page = await ProcessFlow.GetAsync(op, $"/api/workspaces?limit={limit}{(after is null ? "" : $"&after={after}")}");
            var items = page.GetProperty("workspaces").EnumerateArray().ToList();
            Assert.True(items.Count <= limit, $"a page of limit {limit} held {items.Count} workspaces");
            all.AddRange(items);
            after = page.GetProperty("next").GetString();
        }
        while (after is not null);

        return all;
    }

    private static async Task AssertLocationAnswersAsync(HttpClient client, HttpResponseMessage created, string idProperty, string id)
    {
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var location = created.Headers.Location;
        Assert.True(location is not null, $"{created.RequestMessage?.RequestUri} answered 201 without a Location");

        using var followed = await client.GetAsync(location, Ct);
        var body = await followed.Content.ReadAsStringAsync(Ct);

        Assert.True(followed.StatusCode == HttpStatusCode.OK, $"GET {location} (the Location of {created.RequestMessage?.RequestUri}) answered {(int)followed.StatusCode}: {body}");
        Assert.Equal(id, JsonDocument.Parse(body).RootElement.GetProperty(idProperty).GetString());
    }
}
