using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net;
using System.Text;
using System.Text.Json;
using OpenAI;
using OpenAI.Chat;
using Platform.Testing;

namespace Platform.Grains.Tests.Models;

/// <summary>
/// The fake model server's streaming, usage and error answers, read by the official OpenAI client and by plain HTTP, so
/// tests of the model proxy can trust it to speak the wire format a real provider does.
/// </summary>
public sealed class FakeOpenAiServerStreamingTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private FakeOpenAiServer _server = null!;
    private HttpClient _http = null!;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private Uri Completions => new($"{_server.BaseUrl}/chat/completions");

    /// <summary>The official client, told not to retry so each call takes exactly one queued answer.</summary>
    private ChatClient Sdk => new("fake-model", new ApiKeyCredential("sk-test-0123456789"), new OpenAIClientOptions
    {
        Endpoint = _server.BaseUrl,
        RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
    });

    public async ValueTask InitializeAsync()
    {
        _server = await FakeOpenAiServer.StartAsync();
        _http = new HttpClient();
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Streamed_text_reassembles_in_the_official_client_and_ends_with_the_usage_it_asks_for()
    {
        var reply = _server.EnqueueText("The note is saved.", promptTokens: 200, completionTokens: 6);

        var updates = await CollectAsync(Sdk.CompleteChatStreamingAsync([new UserChatMessage("save a note")], new ChatCompletionOptions { MaxOutputTokenCount = 50 }, Cancellation));

        Assert.Equal("The note is saved.", string.Concat(updates.SelectMany(static u => u.ContentUpdate).Select(static p => p.Text)));
        Assert.True(updates.Count(static u => u.ContentUpdate.Count > 0) >= 3, "the text should arrive in several chunks");
        Assert.Equal(ChatMessageRole.Assistant, updates[0].Role);
        Assert.Equal(ChatFinishReason.Stop, Assert.Single(updates, static u => u.FinishReason is not null).FinishReason);
        Assert.All(updates, static u => Assert.Equal("chatcmpl-fake-1", u.CompletionId));
        var usage = Assert.Single(updates, static u => u.Usage is not null).Usage;
        Assert.Same(usage, updates[^1].Usage);
        Assert.Equal((200, 6, 206), (usage.InputTokenCount, usage.OutputTokenCount, usage.TotalTokenCount));
        await reply.Sent.WaitAsync(Patience, Cancellation);
        Assert.Equal(updates.Count, reply.ChunksSent);

        // The client always asks for the usage chunk; the recorded body shows what it sent.
        using var body = JsonDocument.Parse(Assert.Single(_server.Requests).Body);
        Assert.True(body.RootElement.GetProperty("stream").GetBoolean());
        Assert.True(body.RootElement.GetProperty("stream_options").GetProperty("include_usage").GetBoolean());
        Assert.Equal(50, body.RootElement.GetProperty("max_completion_tokens").GetInt32());
    }

    [Fact]
    public async Task Streamed_tool_calls_reassemble_in_the_official_client()
    {
        const string EmailArguments = """{"to":"alice@example.test","subject":"Hi","body":"Hello."}""";
        _server.EnqueueToolCalls([("call_a", "email_send", EmailArguments), ("call_b", "notes_read", "{}")], promptTokens: 120, completionTokens: 30);

        var updates = await CollectAsync(Sdk.CompleteChatStreamingAsync([new UserChatMessage("email alice")], new ChatCompletionOptions(), Cancellation));

        var calls = updates.SelectMany(static u => u.ToolCallUpdates).GroupBy(static t => t.Index).OrderBy(static g => g.Key).ToList();
        Assert.Equal(2, calls.Count);
        Assert.Equal(["call_a", "call_b"], calls.Select(static g => Assert.Single(g, static t => t.ToolCallId is not null).ToolCallId));
        Assert.Equal(["email_send", "notes_read"], calls.Select(static g => Assert.Single(g, static t => t.FunctionName is not null).FunctionName));
        Assert.Equal([EmailArguments, "{}"], calls.Select(static g => string.Concat(g.Select(static t => t.FunctionArgumentsUpdate?.ToString()))));
        Assert.True(calls[0].Count(static t => t.FunctionArgumentsUpdate?.ToMemory().Length > 0) >= 3, "the arguments should arrive in several chunks");
        Assert.Equal(ChatFinishReason.ToolCalls, Assert.Single(updates, static u => u.FinishReason is not null).FinishReason);
        Assert.Equal(150, updates[^1].Usage.TotalTokenCount);
    }

    [Fact]
    public async Task The_stream_is_server_sent_events_and_has_the_usage_chunk_only_when_asked()
    {
        _server.EnqueueText("Hello there.", promptTokens: 10, completionTokens: 3);
        _server.EnqueueText("Hello again.", promptTokens: 11, completionTokens: 3);

        var (plainStatus, plainType, plain) = await PostStreamAsync("""{"model":"fake-model","messages":[],"stream":true}""");
        var (_, _, asked) = await PostStreamAsync("""{"model":"fake-model","messages":[],"stream":true,"stream_options":{"include_usage":true}}""");

        Assert.Equal(HttpStatusCode.OK, plainStatus);
        Assert.Equal("text/event-stream", plainType);
        Assert.Equal("[DONE]", plain[^1]);
        var plainChunks = plain[..^1].Select(static e => JsonDocument.Parse(e).RootElement).ToList();
        Assert.All(plainChunks, static c => Assert.Equal("chat.completion.chunk", c.GetProperty("object").GetString()));
        Assert.All(plainChunks, static c => Assert.False(c.TryGetProperty("usage", out _)));
        var firstDelta = plainChunks[0].GetProperty("choices")[0].GetProperty("delta");
        Assert.Equal("assistant", firstDelta.GetProperty("role").GetString());
        Assert.Equal("", firstDelta.GetProperty("content").GetString());
        var finish = plainChunks[^1].GetProperty("choices")[0];
        Assert.Equal("stop", finish.GetProperty("finish_reason").GetString());
        Assert.Empty(finish.GetProperty("delta").EnumerateObject());

        Assert.Equal("[DONE]", asked[^1]);
        var askedChunks = asked[..^1].Select(static e => JsonDocument.Parse(e).RootElement).ToList();
        Assert.Equal(plainChunks.Count + 1, askedChunks.Count);
        Assert.All(askedChunks[..^1], static c => Assert.Equal(JsonValueKind.Null, c.GetProperty("usage").ValueKind));
        Assert.Empty(askedChunks[^1].GetProperty("choices").EnumerateArray());
        Assert.Equal(14, askedChunks[^1].GetProperty("usage").GetProperty("total_tokens").GetInt32());
    }

    [Fact]
    public async Task A_reply_queued_without_usage_reports_none_streamed_or_not()
    {
        _server.EnqueueText("No usage here.", promptTokens: 0, completionTokens: 0, reportUsage: false);
        _server.EnqueueText("Nor here.", promptTokens: 0, completionTokens: 0, reportUsage: false);

        using var response = await _http.PostAsync(Completions, Json("""{"model":"fake-model","messages":[]}"""), Cancellation);
        using var completion = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancellation));
        var updates = await CollectAsync(Sdk.CompleteChatStreamingAsync([new UserChatMessage("hi")], new ChatCompletionOptions(), Cancellation));

        Assert.Equal("No usage here.", completion.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
        Assert.False(completion.RootElement.TryGetProperty("usage", out _));
        Assert.Equal("Nor here.", string.Concat(updates.SelectMany(static u => u.ContentUpdate).Select(static p => p.Text)));
        Assert.All(updates, static u => Assert.Null(u.Usage));
    }

    [Theory]
    [InlineData(429, "rate_limit_exceeded", "rate_limit_exceeded", false)]
    [InlineData(500, "server_error", null, false)]
    [InlineData(400, "invalid_request_error", "context_length_exceeded", true)]
    public async Task An_error_has_the_openai_body_and_the_official_client_throws_it_with_the_status(int status, string type, string? code, bool streaming)
    {
        _server.EnqueueError(status, type, "The fake says no.", code);
        _server.EnqueueError(status, type, "The fake says no.", code);

        var error = streaming
            ? await Assert.ThrowsAsync<ClientResultException>(() => CollectAsync(Sdk.CompleteChatStreamingAsync([new UserChatMessage("hi")], new ChatCompletionOptions(), Cancellation)))
            : await Assert.ThrowsAsync<ClientResultException>(() => Sdk.CompleteChatAsync([new UserChatMessage("hi")], new ChatCompletionOptions(), Cancellation));
        using var response = await _http.PostAsync(Completions, Json("""{"model":"fake-model","messages":[],"stream":true}"""), Cancellation);

        Assert.Equal(status, error.Status);
        Assert.Contains("The fake says no.", error.Message, StringComparison.Ordinal);
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancellation));
        var details = body.RootElement.GetProperty("error");
        Assert.Equal("The fake says no.", details.GetProperty("message").GetString());
        Assert.Equal(type, details.GetProperty("type").GetString());
        Assert.Equal(JsonValueKind.Null, details.GetProperty("param").ValueKind);
        Assert.Equal(code, details.GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_stalled_stream_sends_its_first_chunks_then_sees_its_client_leave()
    {
        var reply = _server.EnqueueText("A long answer that will not be finished.", promptTokens: 50, completionTokens: 9, stallAfterChunks: 3);
        using var leave = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);

        var reading = Task.Run(
            async () =>
            {
                await foreach (var update in Sdk.CompleteChatStreamingAsync([new UserChatMessage("hi")], new ChatCompletionOptions(), leave.Token))
                {
                    Assert.Equal("chatcmpl-fake-1", update.CompletionId);
                }
            },
            Cancellation);
        await reply.Stalled.WaitAsync(Patience, Cancellation);

        Assert.Equal(1, _server.StalledCount);
        Assert.Equal(3, reply.ChunksSent);
        await leave.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reading);
        await reply.ClientDisconnected.WaitAsync(Patience, Cancellation);
        Assert.Equal(1, _server.DisconnectedCount);
        Assert.Equal(0, _server.StalledCount);
        Assert.False(reply.Sent.IsCompleted);
        Assert.Equal(3, reply.ChunksSent);
    }

    [Fact]
    public async Task A_stalled_stream_goes_on_to_the_end_when_released()
    {
        var reply = _server.EnqueueText("Finished after all.", promptTokens: 50, completionTokens: 5, stallAfterChunks: 2);

        var reading = PostStreamAsync("""{"model":"fake-model","messages":[],"stream":true,"stream_options":{"include_usage":true}}""");
        await reply.Stalled.WaitAsync(Patience, Cancellation);
        Assert.False(reading.IsCompleted);
        Assert.Equal(2, reply.ChunksSent);
        reply.Release();
        var (_, _, events) = await reading.WaitAsync(Patience, Cancellation);

        await reply.Sent.WaitAsync(Patience, Cancellation);
        Assert.Equal("[DONE]", events[^1]);
        var text = string.Concat(events[..^1]
            .Select(static e => JsonDocument.Parse(e).RootElement.GetProperty("choices"))
            .Where(static c => c.GetArrayLength() > 0 && c[0].GetProperty("delta").TryGetProperty("content", out _))
            .Select(static c => c[0].GetProperty("delta").GetProperty("content").GetString()));
        Assert.Equal("Finished after all.", text);
        Assert.Equal(events.Count - 1, reply.ChunksSent);
        Assert.Equal(0, _server.DisconnectedCount);
    }

    [Fact]
    public async Task A_stalled_plain_answer_waits_before_its_body_and_sees_its_client_leave()
    {
        var reply = _server.EnqueueText("Never sent.", promptTokens: 5, completionTokens: 2, stallAfterChunks: 0);
        using var leave = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);

        var call = _http.PostAsync(Completions, Json("""{"model":"fake-model","messages":[]}"""), leave.Token);
        await reply.Stalled.WaitAsync(Patience, Cancellation);
        await leave.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        await reply.ClientDisconnected.WaitAsync(Patience, Cancellation);
        Assert.Equal(1, _server.DisconnectedCount);
        Assert.False(reply.Sent.IsCompleted);
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<List<StreamingChatCompletionUpdate>> CollectAsync(AsyncCollectionResult<StreamingChatCompletionUpdate> stream)
    {
        var updates = new List<StreamingChatCompletionUpdate>();
        await foreach (var update in stream)
        {
            updates.Add(update);
        }

        return updates;
    }

    /// <summary>Posts a request and reads its answer as server-sent events: the text after each <c>data: </c>.</summary>
    private async Task<(HttpStatusCode Status, string? MediaType, List<string> Events)> PostStreamAsync(string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Completions) { Content = Json(json) };
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Cancellation);
        var text = await response.Content.ReadAsStringAsync(Cancellation);
        var blocks = text.Split("\n\n");
        Assert.Equal("", blocks[^1]);
        Assert.All(blocks[..^1], static b => Assert.StartsWith("data: ", b, StringComparison.Ordinal));
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, [.. blocks[..^1].Select(static b => b["data: ".Length..])]);
    }
}