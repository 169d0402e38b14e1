using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Platform.Gateway.Tests;

/// <summary>
/// Isolation by identity, checked against the whole HTTP surface: every route of the OpenAPI document that takes an id
/// is called with a key of workspace A and the real ids of workspace B, and must answer 404 and change nothing in B.
/// The cases come from the document, so a new route is covered (or fails the test) without anyone remembering it.
/// Operator routes (tag <c>Operator</c>) refuse every workspace key with 403 before they look at an id.
/// Runs on every store: see the OnSqlite and OnPostgres subclasses.
/// </summary>
public abstract class IsolationTests(ApiFixture api)
{
    private static readonly TimeSpan s_requestTimeout = TimeSpan.FromSeconds(15);

    /// <summary>The operations known today; the document must still hold them, so a broken document cannot test nothing.</summary>
    private static readonly string[] s_knownParameterisedOperations =
        ["GetApproval", "ApproveApproval", "DenyApproval", "GetRun", "RunEvents", "CancelRun", "GetRunReceipt", "PutMember", "RemoveMember", "GetKey", "RevokeKey", "GetSecret", "SetSecret", "RotateSecret", "DeleteSecret", "GetConnector", "AuthorizeConnector", "ConfirmConnector", "RevokeConnector", "GetWorkspaceSummary", "GetInvitation", "WithdrawInvitation", "GetModel", "GetCatalogModel", "PutCatalogModel", "DeleteCatalogModel"];

    /// <summary>A minimal valid body for each operation that takes one; an operation missing here fails the test.</summary>
    private static readonly Dictionary<string, string> s_bodies = new(StringComparer.Ordinal)
    {
        ["ApproveApproval"] = """{"comment":"isolation probe"}""",
        ["DenyApproval"] = """{"comment":"isolation probe"}""",
        ["PutMember"] = """{"displayName":"Isolation Probe","roles":["member"]}""",
        ["SetSecret"] = """{"value":"isolation-probe-value"}""",
        ["RotateSecret"] = """{"value":"isolation-probe-value"}""",
        ["ConfirmConnector"] = """{"confirmationCode":"ABCDEFGHJK"}""",
        ["PutCatalogModel"] = """{"provider":"local","model":"local-rules-1","inputPricePer1kTokens":0,"outputPricePer1kTokens":0,"maxOutputTokens":1}""",
    };

    /// <summary>
    /// Operations whose path id names something the caller creates in its own workspace rather than an existing object:
    /// a user id is a person, who may belong to several workspaces, so putting B's member into A is A's own business and
    /// must answer 200 (a 404 or 409 would tell A that the user exists elsewhere); a secret's name is the caller's own
    /// choice, so setting one B also uses creates it in A (201). B must still not change.
    /// </summary>
    private static readonly Dictionary<string, HttpStatusCode> s_upsertsIntoCallersWorkspace = new(StringComparer.Ordinal)
    {
        ["PutMember"] = HttpStatusCode.OK,
        ["SetSecret"] = HttpStatusCode.Created,
    };

    // The operator's own routes (the model catalogue, workspace creation) take no workspace: a workspace key gets 403 there.
    private static readonly string[] s_operatorTags = ["Operator", "Model catalogue"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static bool IsOperators(JsonElement operation) =>
        operation.TryGetProperty("tags", out var tags) && tags.EnumerateArray().Any(static t => s_operatorTags.Contains(t.GetString(), StringComparer.Ordinal));

    [Fact]
    public async Task Every_route_with_an_id_called_with_another_workspaces_ids_gets_404_and_changes_nothing()
    {
        var a = await SetUpAsync("Isolation Alpha", "a");
        var b = await SetUpAsync("Isolation Bravo", "b");
        using var callerA = api.Client(a.OwnerKey);
        using var ownerB = api.Client(b.OwnerKey);
        var document = await api.Client().GetFromJsonAsync<JsonElement>("/openapi/v1.json", Ct);
        var operations = ParameterisedOperations(document);
        var before = await SnapshotAsync(ownerB, b);

        var cases = 0;
        var covered = new HashSet<string>(StringComparer.Ordinal);
        // Upserts last: once B's user is a member of A too, removing it from A is A's own business.
        foreach (var (method, template, operation) in operations.OrderBy(static o => s_upsertsIntoCallersWorkspace.ContainsKey(OperationId(o.Method, o.Template, o.Operation))))
        {
            var operationId = OperationId(method, template, operation);
            foreach (var url in Urls(template, b, operationId))
            {
                var body = Body(operation, operationId);
                using var response = await SendAsync(callerA, method, url, body);
                var text = await response.Content.ReadAsStringAsync(Ct);
                var upsert = s_upsertsIntoCallersWorkspace.TryGetValue(operationId, out var upsertStatus);
                var expected = upsert ? upsertStatus : IsOperators(operation) ? HttpStatusCode.Forbidden : HttpStatusCode.NotFound;

                Assert.True(
                    response.StatusCode == expected,
                    $"{operationId}: {method.ToUpperInvariant()} {url} with workspace A's key answered {(int)response.StatusCode}, expected {(int)expected}: {text}");
                if (!upsert)
                {
                    // Under /v1 errors take OpenAI's shape instead of problem details.
                    Assert.True(response.Content.Headers.ContentType?.MediaType == (url.StartsWith("/v1", StringComparison.Ordinal) ? "application/json" : "application/problem+json"), $"{operationId}: {url} answered {(int)expected} as {response.Content.Headers.ContentType}, not problem details.");
                }

                Assert.DoesNotContain(b.WorkspaceId, text, StringComparison.Ordinal);
                cases++;
                covered.Add(operationId);
            }
        }

        var after = await SnapshotAsync(ownerB, b);
        Assert.Equal(before, after);
        var missing = s_knownParameterisedOperations.Except(covered, StringComparer.Ordinal).ToArray();
        Assert.True(missing.Length == 0, $"Known operations the sweep did not reach: {string.Join(", ", missing)}.");
        Assert.Equal(operations.Count, covered.Count);
        Assert.Equal(operations.Sum(o => Urls(o.Template, b, "").Count), cases);
        TestContext.Current.TestOutputHelper?.WriteLine($"{cases} isolation cases over {covered.Count} parameterised operations.");
    }

    [Fact]
    public async Task Routes_without_an_id_answer_with_the_callers_own_workspace_and_never_another_ones_ids()
    {
        var a = await SetUpAsync("Isolation Alpha", "a");
        var b = await SetUpAsync("Isolation Bravo", "b");
        using var callerA = api.Client(a.OwnerKey);
        var document = await api.Client().GetFromJsonAsync<JsonElement>("/openapi/v1.json", Ct);

        var gets = 0;
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            if (path.Name.Contains('{', StringComparison.Ordinal) || !path.Value.TryGetProperty("get", out var get))
            {
                continue;
            }

            using var response = await SendAsync(callerA, "get", path.Name, null);
            var text = await response.Content.ReadAsStringAsync(Ct);
            var expected = IsOperators(get) ? HttpStatusCode.Forbidden : HttpStatusCode.OK;
            Assert.True(response.StatusCode == expected, $"GET {path.Name} with workspace A's key answered {(int)response.StatusCode}, expected {(int)expected}: {text}");
            foreach (var secret in b.Secrets)
            {
                Assert.False(text.Contains(secret, StringComparison.Ordinal), $"GET {path.Name} for workspace A shows '{secret}' of workspace B: {text}");
            }

            gets++;
        }

        var workspace = await callerA.GetFromJsonAsync<JsonElement>("/api/workspace", Ct);
        Assert.Equal(a.WorkspaceId, workspace.GetProperty("workspaceId").GetString());
        Assert.True(gets >= 9, $"Only {gets} id-less GET routes in the OpenAPI document; expected at least the workspace, members, keys, budget, ledger, approvals, audit, verify and runs.");
        using var ownerB = api.Client(b.OwnerKey);
        Assert.Contains(b.RunId, await ownerB.GetStringAsync(new Uri("/api/runs", UriKind.Relative), Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_operators_workspace_listing_shows_ids_names_and_money_but_no_workspace_content()
    {
        var a = await SetUpAsync("Isolation Alpha", "a");
        var b = await SetUpAsync("Isolation Bravo", "b");
        using var op = api.Client(ApiFixture.OperatorKey);

        var pages = new List<string>();
        string? after = null;
        do
        {
            var text = await op.GetStringAsync(new Uri($"/api/workspaces?limit=10{(after is null ? "" : $"&after={after}")}", UriKind.Relative), Ct);
            pages.Add(text);
            after = JsonDocument.Parse(text).RootElement.GetProperty("next").GetString();
        }
        while (after is not null);

        var all = string.Concat(pages);
        foreach (var workspace in new[] { a, b })
        {
            Assert.Contains(workspace.WorkspaceId, all, StringComparison.Ordinal);
            foreach (var content in workspace.Content)
            {
                Assert.False(all.Contains(content, StringComparison.Ordinal), $"The operator's workspace listing shows '{content}' of {workspace.Name}.");
            }

            var one = await op.GetStringAsync(new Uri($"/api/workspaces/{workspace.WorkspaceId}", UriKind.Relative), Ct);
            Assert.Contains(workspace.Name, one, StringComparison.Ordinal);
            Assert.All(workspace.Content, content => Assert.DoesNotContain(content, one, StringComparison.Ordinal));
        }
    }

    /// <summary>Creates a workspace with a cap, a second member, an extra key and a run waiting for approval.</summary>
    private async Task<IsolatedWorkspace> SetUpAsync(string name, string tag)
    {
        var ownerUserId = $"owner@{tag}.isolation.test";
        var memberUserId = $"member@{tag}.isolation.test";
        var (workspaceId, createdOwnerKey) = await api.CreateWorkspaceAsync(name, ownerUserId);
        using var creator = api.Client(createdOwnerKey);
        var ownerKeyId = (await creator.GetFromJsonAsync<JsonElement>("/api/keys", Ct))[0].GetProperty("keyId").GetString()!;

        // Every scope the owner may hold, so no 403 can hide what the route would have done.
        var everyScope = await PostAsync(creator, "/api/keys", new { name = "every-scope", userId = ownerUserId, scopes = new[] { "admin", "member", "approver", "partner", "proxy" } });
        using var owner = api.Client(everyScope.GetProperty("token").GetString());
        (await owner.PutAsJsonAsync("/api/budget", new { monthlyCapMicros = 5_000_000 }, Ct)).EnsureSuccessStatusCode();
        // The second member's key comes through an invitation: keys are made only for oneself.
        using var anonymous = api.Client();
        var code = await Invitations.InviteAsync(owner, memberUserId, ["member", "approver"], ["member"], Ct);
        using var redeemed = await anonymous.PostAsJsonAsync("/api/invitations/redeem", new { code, keyName = "extra" }, Ct);
        Assert.Equal(HttpStatusCode.OK, redeemed.StatusCode);
        var extraKey = (await redeemed.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("key");
        var secretName = $"deploy-token-{tag}";
        var secretValue = $"isolation-secret-value-{tag}-{Guid.NewGuid():N}";
        (await owner.PutAsJsonAsync($"/api/secrets/{secretName}", new { value = secretValue }, Ct)).EnsureSuccessStatusCode();
        var connectorId = (await PostAsync(owner, "/api/connectors", new { kind = "http", name = $"partner {tag}", allowedUrls = new[] { $"https://{tag}.partner.example/" } })).GetProperty("connectorId").GetString()!;
        var invitationId = (await PostAsync(owner, "/api/invitations", new { userId = $"invitee@{tag}.isolation.test", displayName = "Invitee", roles = new[] { "member" }, scopes = new[] { "member" } }))
            .GetProperty("invitation").GetProperty("invitationId").GetString()!;
        var runId = (await PostAsync(owner, "/api/runs", new { input = $"email bob@example.test that the {tag} report is ready" })).GetProperty("runId").GetString()!;
        var waiting = await ProcessFlow.PollRunAsync(owner, runId, "waitingForApproval");

        // The listing follows the run's own state; wait for it too, so the snapshots compare a workspace at rest.
        await ProcessFlow.UntilAsync($"the run listing to show {runId} waiting", async () =>
            (await owner.GetStringAsync(new Uri("/api/runs?status=waitingForApproval", UriKind.Relative), Ct)).Contains(runId, StringComparison.Ordinal));

        return new IsolatedWorkspace(
            workspaceId,
            name,
            everyScope.GetProperty("token").GetString()!,
            ownerUserId,
            memberUserId,
            ownerKeyId,
            extraKey.GetProperty("key").GetProperty("keyId").GetString()!,
            extraKey.GetProperty("token").GetString()!,
            runId,
            waiting.GetProperty("pendingApprovalId").GetString()!,
            secretName,
            secretValue,
            connectorId,
            invitationId);
    }

    /// <summary>Every operation of the document with at least one path parameter, as (method, path template, operation).</summary>
    private static List<(string Method, string Template, JsonElement Operation)> ParameterisedOperations(JsonElement document)
    {
        var operations = new List<(string, string, JsonElement)>();
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject().Where(static o => o.Name is "get" or "put" or "post" or "delete" or "patch" or "head" or "options"))
            {
                if ((PathParameters(path.Value, operation.Value).Count > 0 || path.Name.Contains('{', StringComparison.Ordinal)))
                {
                    operations.Add((operation.Name, path.Name, operation.Value));
                }
            }
        }

        return operations;
    }

    private static string OperationId(string method, string template, JsonElement operation) =>
        operation.TryGetProperty("operationId", out var id) ? id.GetString()! : $"{method.ToUpperInvariant()} {template}";

    private static List<string> PathParameters(JsonElement pathItem, JsonElement operation) =>
        new[] { pathItem, operation }
            .Where(static e => e.TryGetProperty("parameters", out _))
            .SelectMany(static e => e.GetProperty("parameters").EnumerateArray())
            .Where(static p => p.GetProperty("in").GetString() == "path")
            .Select(static p => p.GetProperty("name").GetString()!)
            .Distinct(StringComparer.Ordinal)
            .ToList();

    /// <summary>One URL per combination of B's ids for the template's parameters; an unknown parameter name fails the test.</summary>
    private static List<string> Urls(string template, IsolatedWorkspace b, string operationId)
    {
        var names = System.Text.RegularExpressions.Regex.Matches(template, @"\{([^}:?]+)[^}]*\}").Select(static m => m.Groups[1].Value).ToList();
        Assert.True(names.Count > 0, $"{operationId}: {template} has no path parameter in its template.");
        IEnumerable<string> urls = [template];
        foreach (var name in names)
        {
            var ids = b.IdsFor(name);
            Assert.True(ids is not null, $"{operationId}: unknown path parameter '{name}' in {template}; teach IsolatedWorkspace.IdsFor which of another workspace's ids it takes.");
            urls = urls.SelectMany(u => ids!.Select(id => System.Text.RegularExpressions.Regex.Replace(u, $@"\{{{name}[^}}]*\}}", Uri.EscapeDataString(id))));
        }

        return urls.ToList();
    }

    private static string? Body(JsonElement operation, string operationId)
    {
        if (!operation.TryGetProperty("requestBody", out _))
        {
            return null;
        }

        Assert.True(s_bodies.TryGetValue(operationId, out var body), $"{operationId} takes a request body but the isolation test has no minimal valid body for it; add one.");
        return body;
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string method, string url, string? body)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method.ToUpperInvariant()), new Uri(url, UriKind.Relative));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        // Headers only: an event stream that wrongly opened for another workspace's run must not hang the test.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(s_requestTimeout);
        try
        {
            return await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        }
        catch (OperationCanceledException) when (!Ct.IsCancellationRequested)
        {
            throw new TimeoutException($"{method.ToUpperInvariant()} {url} did not answer within {s_requestTimeout.TotalSeconds} s.");
        }
    }

    /// <summary>Everything observable about B through its own owner's key.</summary>
    private static async Task<List<string>> SnapshotAsync(HttpClient ownerB, IsolatedWorkspace b)
    {
        string[] reads =
        [
            "/api/workspace", "/api/members", "/api/keys", "/api/budget", "/api/budget/ledger?limit=1000", "/api/approvals?limit=1000",
            $"/api/approvals/{b.ApprovalId}", "/api/runs", $"/api/runs/{b.RunId}", $"/api/runs/{b.RunId}/receipt", "/api/audit/verify", "/api/secrets", "/api/connectors", "/api/invitations",
        ];
        var snapshot = new List<string>();
        foreach (var read in reads)
        {
            using var response = await ownerB.GetAsync(new Uri(read, UriKind.Relative), Ct);
            // A problem's trace id differs per request; everything else must be the same.
            var text = System.Text.RegularExpressions.Regex.Replace(await response.Content.ReadAsStringAsync(Ct), "\"traceId\":\"[^\"]*\"", "\"traceId\":\"\"");
            snapshot.Add($"{read} -> {(int)response.StatusCode} {text}");
        }

        var audit = await ownerB.GetFromJsonAsync<JsonElement>("/api/audit?limit=1000", Ct);
        snapshot.Add($"audit entries: {audit.GetProperty("entries").GetArrayLength()}");
        return snapshot;
    }

    private static async Task<JsonElement> PostAsync(HttpClient client, string url, object body)
    {
        using var response = await client.PostAsJsonAsync(url, body, Ct);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"POST {url} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(Ct)}");
        return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }
}
