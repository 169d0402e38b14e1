using System.ClientModel;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

using OpenAI.Chat;

using Platform.Testing;

namespace Platform.Gateway.Tests;

/// <summary>
/// Prices are the operator's: the catalogue over HTTP, what a workspace may choose, and that every call is charged at
/// the catalogue's prices. Runs on every store: see the OnSqlite and OnPostgres subclasses.
/// </summary>
public abstract class ModelCatalogTests(ProxyFixture proxy)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_owner_setting_its_own_zero_prices_gets_400_and_with_one_micro_dollar_left_every_call_is_refused()
    {
        await using var upstream = await FakeOpenAiServer.StartAsync();
        var workspace = await proxy.CreateWorkspaceAsync(upstream.BaseUrl);
        for (var i = 0; i < 11; i++)
        {
            upstream.EnqueueText("pong", promptTokens: 9, completionTokens: 3);
        }

        var patch = await workspace.Owner.PatchAsJsonAsync("/api/workspace", new
        {
            model = new { provider = "openai", model = ProxyWorkspace.Model, baseUrl = upstream.BaseUrl.AbsoluteUri, inputPricePer1kTokens = 0, outputPricePer1kTokens = 0, maxOutputTokens = 100_000 },
        }, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, patch.StatusCode);
        var detail = (await patch.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("detail").GetString()!;
        Assert.Contains("prices, providers and base URLs are the operator's", detail, StringComparison.Ordinal);
        Assert.Contains("catalogId", detail, StringComparison.Ordinal);
        await workspace.Chat().CompleteChatAsync([new UserChatMessage("ping")], cancellationToken: Ct);
        var spent = (await workspace.BudgetAsync()).GetProperty("spentMicros").GetInt64();
        Assert.Equal(ProxyWorkspace.Cost(9, 3), spent);

        (await workspace.Owner.PutAsJsonAsync("/api/budget", new { monthlyCapMicros = spent + 1 }, Ct)).EnsureSuccessStatusCode();
        var refusals = 0;
        for (var i = 0; i < 10; i++)
        {
            var refused = await Assert.ThrowsAsync<ClientResultException>(() => workspace.Chat().CompleteChatAsync([new UserChatMessage("ping")], cancellationToken: Ct));
            refusals += refused.Status == 429 ? 1 : 0;
        }

        Assert.Equal(10, refusals);
        Assert.Single(upstream.Requests);
        Assert.Equal(spent, (await workspace.BudgetAsync()).GetProperty("spentMicros").GetInt64());
    }

    [Theory]
    [InlineData("""{"model":{"catalogId":"X","inputPricePer1kTokens":0}}""", "inputPricePer1kTokens")]
    [InlineData("""{"model":{"outputPricePer1kTokens":0}}""", "outputPricePer1kTokens")]
    [InlineData("""{"model":{"catalogId":"X","provider":"openai"}}""", "provider")]
    [InlineData("""{"model":{"baseUrl":"http://127.0.0.1:9/v1"}}""", "baseUrl")]
    [InlineData("""{"name":"Renamed","model":{"model":"gpt-4o"}}""", "model")]
    public async Task A_workspace_admin_sending_a_price_provider_or_base_url_gets_400_and_nothing_changes(string body, string field)
    {
        await using var upstream = await FakeOpenAiServer.StartAsync();
        var workspace = await proxy.CreateWorkspaceAsync(upstream.BaseUrl);
        var before = await workspace.Owner.GetStringAsync(new Uri("/api/workspace", UriKind.Relative), Ct);

        var response = await workspace.Owner.PatchAsync(new Uri("/api/workspace", UriKind.Relative), new StringContent(body.Replace("\"X\"", $"\"{workspace.ModelId}\"", StringComparison.Ordinal), Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var detail = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("detail").GetString()!;
        Assert.StartsWith($"model: {field} cannot be set by a workspace", detail, StringComparison.Ordinal);
        Assert.Contains("operator's", detail, StringComparison.Ordinal);
        Assert.Equal(before, await workspace.Owner.GetStringAsync(new Uri("/api/workspace", UriKind.Relative), Ct));
    }

    [Fact]
    public async Task An_operator_price_change_is_charged_and_estimated_from_the_next_call_on()
    {
        await using var upstream = await FakeOpenAiServer.StartAsync();
        var workspace = await proxy.CreateWorkspaceAsync(upstream.BaseUrl);
        upstream.EnqueueText("one", promptTokens: 10, completionTokens: 10);
        upstream.EnqueueText("two", promptTokens: 10, completionTokens: 10);
        await workspace.Chat().CompleteChatAsync([new UserChatMessage("ping")], cancellationToken: Ct);
        var first = (await workspace.BudgetAsync()).GetProperty("spentMicros").GetInt64();
        await workspace.Owner.PatchAsJsonAsync("/api/workspace", new { model = new { catalogId = "local-rules-1" } }, Ct);
        await workspace.Owner.PatchAsJsonAsync("/api/workspace", new { model = new { catalogId = workspace.ModelId } }, Ct);
        var estimateBefore = await EstimateAsync(workspace);

        using var operatorClient = proxy.Client(ApiFixture.OperatorKey);
        (await operatorClient.PutAsJsonAsync($"/api/catalog/models/{workspace.ModelId}", new
        {
            provider = "openai", model = ProxyWorkspace.Model, baseUrl = upstream.BaseUrl.AbsoluteUri,
            inputPricePer1kTokens = 3_000, outputPricePer1kTokens = 6_000, maxOutputTokens = 100, workspaces = new[] { workspace.WorkspaceId },
        }, Ct)).EnsureSuccessStatusCode();
        await workspace.Chat().CompleteChatAsync([new UserChatMessage("ping")], cancellationToken: Ct);
        var second = (await workspace.BudgetAsync()).GetProperty("spentMicros").GetInt64() - first;

        Assert.Equal(ProxyWorkspace.Cost(10, 10), first);
        Assert.Equal(3 * ProxyWorkspace.Cost(10, 10), second);
        var estimateAfter = await EstimateAsync(workspace);
        Assert.Equal(workspace.ModelId, estimateAfter.GetProperty("model").GetString());
        Assert.Equal(3 * estimateBefore.GetProperty("estimate").GetInt64(), estimateAfter.GetProperty("estimate").GetInt64(), tolerance: 3);
        var view = await workspace.Owner.GetFromJsonAsync<JsonElement>("/api/workspace", Ct);
        Assert.Equal(3_000, view.GetProperty("model").GetProperty("inputPricePer1kTokens").GetInt64());
    }

    [Fact]
    public async Task A_workspace_may_lower_its_output_limit_but_never_raise_it_above_the_entrys()
    {
        await using var upstream = await FakeOpenAiServer.StartAsync();
        var workspace = await proxy.CreateWorkspaceAsync(upstream.BaseUrl);
        upstream.EnqueueText("pong", promptTokens: 9, completionTokens: 3);

        var raised = await workspace.Owner.PatchAsJsonAsync("/api/workspace", new { model = new { maxOutputTokens = 101 } }, Ct);
        var lowered = await workspace.Owner.PatchAsJsonAsync("/api/workspace", new { model = new { maxOutputTokens = 40 } }, Ct);
        using var client = proxy.Client(workspace.ProxyKey);
        var overLimit = await client.PostAsync(new Uri("v1/chat/completions", UriKind.Relative), new StringContent(workspace.WithModel("""{"model":"gpt-test","messages":[{"role":"user","content":"x"}],"max_tokens":41}"""), Encoding.UTF8, "application/json"), Ct);
        await workspace.Chat().CompleteChatAsync([new UserChatMessage("ping")], cancellationToken: Ct);

        Assert.Equal(HttpStatusCode.BadRequest, raised.StatusCode);
        Assert.Contains("from 1 to 100", (await raised.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, lowered.StatusCode);
        Assert.Equal(40, (await lowered.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("model").GetProperty("maxOutputTokens").GetInt32());
        Assert.Equal(HttpStatusCode.BadRequest, overLimit.StatusCode);
        Assert.Equal(40, JsonDocument.Parse(Assert.Single(upstream.Requests).Body).RootElement.GetProperty("max_completion_tokens").GetInt32());
    }

    [Fact]
    public async Task An_unknown_or_another_workspaces_catalogue_id_gets_400_naming_only_the_ids_this_workspace_may_use()
    {
        await using var upstream = await FakeOpenAiServer.StartAsync();
        var workspace = await proxy.CreateWorkspaceAsync(upstream.BaseUrl);
        var other = await proxy.CreateWorkspaceAsync(upstream.BaseUrl);

        var unknown = await workspace.Owner.PatchAsJsonAsync("/api/workspace", new { model = new { catalogId = "no-such-model" } }, Ct);
        var foreign = await workspace.Owner.PatchAsJsonAsync("/api/workspace", new { model = new { catalogId = other.ModelId } }, Ct);

        foreach (var response in new[] { unknown, foreign })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var detail = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("detail").GetString()!;
            Assert.Contains($"accepted: {workspace.ModelId}, local-rules-1.", detail, StringComparison.Ordinal);
        }

        Assert.Equal(workspace.ModelId, (await workspace.Owner.GetFromJsonAsync<JsonElement>("/api/workspace", Ct)).GetProperty("model").GetProperty("catalogId").GetString());
    }

    [Fact]
    public async Task Removing_an_entry_in_use_is_a_409_naming_how_many_use_it_and_succeeds_once_they_moved()
    {
        await using var upstream = await FakeOpenAiServer.StartAsync();
        var workspace = await proxy.CreateWorkspaceAsync(upstream.BaseUrl);
        using var operatorClient = proxy.Client(ApiFixture.OperatorKey);
        var path = new Uri($"/api/catalog/models/{workspace.ModelId}", UriKind.Relative);

        var inUse = await operatorClient.DeleteAsync(path, Ct);
        var defaultEntry = await operatorClient.DeleteAsync(new Uri("/api/catalog/models/local-rules-1", UriKind.Relative), Ct);
        (await workspace.Owner.PatchAsJsonAsync("/api/workspace", new { model = new { catalogId = "local-rules-1" } }, Ct)).EnsureSuccessStatusCode();
        var removed = await operatorClient.DeleteAsync(path, Ct);

        Assert.Equal(HttpStatusCode.Conflict, inUse.StatusCode);
        Assert.Contains("1 workspace(s)", (await inUse.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, defaultEntry.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await operatorClient.GetAsync(path, Ct)).StatusCode);
        var audit = await operatorClient.GetFromJsonAsync<JsonElement>("/api/catalog/audit?limit=1000", Ct);
        Assert.Contains(audit.GetProperty("entries").EnumerateArray(), e => e.GetProperty("kind").GetString() == "catalog.entry_removed" && e.GetProperty("details").GetProperty("id").GetString() == workspace.ModelId);
    }

    [Fact]
    public async Task An_entry_without_a_price_is_refused_and_the_catalogue_routes_need_the_operator_key()
    {
        await using var upstream = await FakeOpenAiServer.StartAsync();
        var workspace = await proxy.CreateWorkspaceAsync(upstream.BaseUrl);
        using var operatorClient = proxy.Client(ApiFixture.OperatorKey);

        var unpriced = await operatorClient.PutAsJsonAsync("/api/catalog/models/free", new { provider = "local", model = "local-rules-1", maxOutputTokens = 10 }, Ct);
        var byOwner = await workspace.Owner.PutAsJsonAsync("/api/catalog/models/mine", new { provider = "local", model = "local-rules-1", inputPricePer1kTokens = 0, outputPricePer1kTokens = 0, maxOutputTokens = 10 }, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, unpriced.StatusCode);
        Assert.Contains("inputPricePer1kTokens is required", (await unpriced.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, byOwner.StatusCode);
        var ids = (await operatorClient.GetFromJsonAsync<JsonElement>("/api/catalog/models", Ct)).GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("id").GetString()).ToArray();
        Assert.DoesNotContain("free", ids);
        Assert.DoesNotContain("mine", ids);
    }

    [Fact]
    public async Task One_model_answers_in_OpenAIs_shape_and_another_workspaces_or_an_unknown_one_is_a_404_model_not_found()
    {
        await using var upstream = await FakeOpenAiServer.StartAsync();
        var workspace = await proxy.CreateWorkspaceAsync(upstream.BaseUrl);
        var other = await proxy.CreateWorkspaceAsync(upstream.BaseUrl);
        using var client = proxy.Client(workspace.ProxyKey);

        var own = await client.GetFromJsonAsync<JsonElement>($"v1/models/{workspace.ModelId}", Ct);
        var foreign = await client.GetAsync(new Uri($"v1/models/{other.ModelId}", UriKind.Relative), Ct);
        var unknown = await client.GetAsync(new Uri("v1/models/no-such-model", UriKind.Relative), Ct);

        Assert.Equal(workspace.ModelId, own.GetProperty("id").GetString());
        Assert.Equal("model", own.GetProperty("object").GetString());
        foreach (var response in new[] { foreign, unknown })
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            var error = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("error");
            Assert.Equal("model_not_found", error.GetProperty("code").GetString());
            Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        }
    }

    [Fact]
    public async Task A_completion_naming_a_catalogue_entry_other_than_the_workspaces_is_a_404_and_reaches_no_provider()
    {
        await using var upstream = await FakeOpenAiServer.StartAsync();
        var workspace = await proxy.CreateWorkspaceAsync(upstream.BaseUrl);
        using var client = proxy.Client(workspace.ProxyKey);

        var response = await client.PostAsync(new Uri("v1/chat/completions", UriKind.Relative), new StringContent("""{"model":"local-rules-1","messages":[{"role":"user","content":"x"}]}""", Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("error");
        Assert.Equal("model_not_found", error.GetProperty("code").GetString());
        Assert.Contains(workspace.ModelId, error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Empty(upstream.Requests);
    }

    private static async Task<JsonElement> EstimateAsync(ProxyWorkspace workspace)
    {
        var response = await workspace.Owner.PostAsJsonAsync("/api/runs/estimate", new { input = "what are my notes" }, Ct);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }
}
