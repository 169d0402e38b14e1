using System.Collections.Concurrent;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Platform.Testing;

/// <summary>
/// An OpenAI-compatible server for tests: <c>POST /v1/chat/completions</c> answers with the responses the test queued,
/// in the real wire format (id, object, created, model, choices with message, tool_calls and finish_reason, usage), and
/// records every request so a test can assert exactly what reached the model. With nothing queued it answers 400, which
/// the official client does not retry. <see cref="Hold"/> keeps requests waiting (a model call in flight) until
/// <see cref="Release"/>; a held request whose client goes away meanwhile is abandoned without using a queued response.
/// </summary>
/// <remarks>
/// A request with <c>"stream": true</c> gets its answer as server-sent events, as OpenAI sends them: a
/// <c>chat.completion.chunk</c> with the assistant role, the content a few characters per chunk, each tool call's id and
/// name and then its arguments a few characters per chunk, a chunk with the finish reason, with
/// <c>"stream_options": {"include_usage": true}</c> a last chunk with no choices and the usage (every earlier chunk then
/// carries <c>"usage": null</c>), and <c>data: [DONE]</c>; each event is flushed on its own. Queued errors are answered
/// with their status and OpenAI's error body whether or not the request streams.
/// </remarks>
public sealed class FakeOpenAiServer : IAsyncDisposable
{
    /// <summary>How many characters (whole code points) of content or of tool arguments go in one streamed chunk.</summary>
    public const int CharactersPerChunk = 4;

    /// <summary>Escapes only what JSON requires, as OpenAI does (<c>\"</c>, not <c>\u0022</c>; non-ASCII text as is).</summary>
    private static readonly JsonSerializerOptions WireFormat = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly ConcurrentQueue<FakeOpenAiReply> _responses = new();
    private FakeOpenAiReply? _standing;
    private readonly CancellationTokenSource _stopping = new();
    private LoopbackWebServer? _server;
    private TaskCompletionSource _gate = Open();
    private int _sequence;
    private int _held;
    private int _abandoned;
    private int _stalled;
    private int _disconnected;

    private FakeOpenAiServer()
    {
    }

    /// <summary>The base URL a client is configured with (<c>http://127.0.0.1:port/v1</c>).</summary>
    public Uri BaseUrl => new(Server.Address, "v1");

    /// <summary>Every request received, in order.</summary>
    public IReadOnlyList<RecordedHttpRequest> Requests => Server.Requests;

    /// <summary>How many chat requests are waiting at the gate right now.</summary>
    public int HeldCount => Volatile.Read(ref _held);

    /// <summary>How many held chat requests were given up because their client disconnected (e.g. its process was killed).</summary>
    public int AbandonedCount => Volatile.Read(ref _abandoned);

    /// <summary>How many answers are waiting at their stall point right now (see <see cref="FakeOpenAiReply.StallAfterChunks"/>).</summary>
    public int StalledCount => Volatile.Read(ref _stalled);

    /// <summary>How many answers lost their client before they were sent in full (mid-stream, or while stalled).</summary>
    public int DisconnectedCount => Volatile.Read(ref _disconnected);

    private LoopbackWebServer Server => _server ?? throw new InvalidOperationException("The server has not started.");

    public static async Task<FakeOpenAiServer> StartAsync()
    {
        var fake = new FakeOpenAiServer();
        fake._server = await LoopbackWebServer.StartAsync(fake.HandleAsync);
        return fake;
    }

    /// <summary>From now on, chat requests wait (recorded, unanswered) until <see cref="Release"/>.</summary>
    public void Hold()
    {
        if (Volatile.Read(ref _gate).Task.IsCompleted)
        {
            Volatile.Write(ref _gate, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        }
    }

    /// <summary>
    /// Lets every held request, and every later one, proceed to its queued response. Answers stalled mid-stream are let
    /// go one by one, with <see cref="FakeOpenAiReply.Release"/>.
    /// </summary>
    public void Release() => Volatile.Read(ref _gate).TrySetResult();

    /// <summary>
    /// Answers every request that finds the queue empty with this text and usage, for a load of any length (a fault test
    /// that cannot script its calls one by one). Queued answers still go first.
    /// </summary>
    public void AnswerEveryCall(string content, int promptTokens, int completionTokens) =>
        Volatile.Write(ref _standing, Build(new JsonObject { ["role"] = "assistant", ["content"] = content }, "stop", promptTokens, completionTokens, reportUsage: true, stallAfterChunks: null));

    /// <summary>Drops every queued answer, so a test sharing the server starts from an empty script.</summary>
    public void ClearQueue() => _responses.Clear();

    /// <summary>
    /// Queues a plain text answer. Without <paramref name="reportUsage"/> the answer carries no usage at all (no
    /// <c>usage</c> field, no usage chunk even when asked), like a provider that reports none; with
    /// <paramref name="stallAfterChunks"/> it stops after that many chunks until released (see <see cref="FakeOpenAiReply"/>).
    /// </summary>
    public FakeOpenAiReply EnqueueText(
        string content,
        int promptTokens,
        int completionTokens,
        string finishReason = "stop",
        bool reportUsage = true,
        int? stallAfterChunks = null) =>
        Enqueue(new JsonObject { ["role"] = "assistant", ["content"] = content }, finishReason, promptTokens, completionTokens, reportUsage, stallAfterChunks);

    /// <summary>
    /// Queues an answer that calls tools; <c>Arguments</c> is the JSON text the model "wrote". <paramref name="reportUsage"/>
    /// and <paramref name="stallAfterChunks"/> as for <see cref="EnqueueText"/>.
    /// </summary>
    public FakeOpenAiReply EnqueueToolCalls(
        IEnumerable<(string Id, string Name, string Arguments)> calls,
        int promptTokens,
        int completionTokens,
        string? content = null,
        bool reportUsage = true,
        int? stallAfterChunks = null)
    {
        var toolCalls = new JsonArray();
        foreach (var (id, name, arguments) in calls)
        {
            toolCalls.Add(new JsonObject
            {
                ["id"] = id,
                ["type"] = "function",
                ["function"] = new JsonObject { ["name"] = name, ["arguments"] = arguments },
            });
        }

        return Enqueue(
            new JsonObject { ["role"] = "assistant", ["content"] = content, ["tool_calls"] = toolCalls },
            "tool_calls",
            promptTokens,
            completionTokens,
            reportUsage,
            stallAfterChunks);
    }

    /// <summary>
    /// Queues an error: the request is answered with <paramref name="status"/> and OpenAI's error body,
    /// <c>{"error":{"message":…,"type":…,"param":null,"code":…}}</c>; e.g. 429 <c>rate_limit_exceeded</c>, 500
    /// <c>server_error</c>, 400 <c>invalid_request_error</c>. The official client retries 429 and 5xx unless told not
    /// to, and each retry takes the next queued answer.
    /// </summary>
    public FakeOpenAiReply EnqueueError(int status, string type, string message, string? code = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(status, 400);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(status, 599);
        var reply = new FakeOpenAiReply(status, ErrorBody(type, message, code), stallAfterChunks: null);
        _responses.Enqueue(reply);
        return reply;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        // Held and stalled requests stop waiting, so stopping the server does not wait out Kestrel's shutdown timeout.
        await _stopping.CancelAsync();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _stopping.Dispose();
    }

    private FakeOpenAiReply Enqueue(JsonObject message, string finishReason, int promptTokens, int completionTokens, bool reportUsage, int? stallAfterChunks)
    {
        var reply = Build(message, finishReason, promptTokens, completionTokens, reportUsage, stallAfterChunks);
        _responses.Enqueue(reply);
        return reply;
    }

    private FakeOpenAiReply Build(JsonObject message, string finishReason, int promptTokens, int completionTokens, bool reportUsage, int? stallAfterChunks)
    {
        var n = Interlocked.Increment(ref _sequence);
        var completion = new JsonObject
        {
            ["id"] = $"chatcmpl-fake-{n}",
            ["object"] = "chat.completion",
            ["created"] = 1_767_225_600 + n,
            ["model"] = "fake-model",
            ["system_fingerprint"] = "fp_fake",
            ["choices"] = new JsonArray
            {
                new JsonObject { ["index"] = 0, ["message"] = message, ["logprobs"] = null, ["finish_reason"] = finishReason },
            },
        };
        if (reportUsage)
        {
            completion["usage"] = new JsonObject
            {
                ["prompt_tokens"] = promptTokens,
                ["completion_tokens"] = completionTokens,
                ["total_tokens"] = promptTokens + completionTokens,
            };
        }

        return new FakeOpenAiReply(StatusCodes.Status200OK, completion, stallAfterChunks);
    }

    private static JsonObject ErrorBody(string type, string message, string? code) => new()
    {
        ["error"] = new JsonObject { ["message"] = message, ["type"] = type, ["param"] = null, ["code"] = code },
    };

    private static TaskCompletionSource Open()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        gate.SetResult();
        return gate;
    }

    private async Task<IResult> HandleAsync(RecordedHttpRequest request, CancellationToken clientGone)
    {
        if (request.Method != "POST" || request.Path != "/v1/chat/completions")
        {
            return Results.NotFound();
        }

        var gate = Volatile.Read(ref _gate).Task;
        if (!gate.IsCompleted)
        {
            Interlocked.Increment(ref _held);
            try
            {
                using var waiting = CancellationTokenSource.CreateLinkedTokenSource(clientGone, _stopping.Token);
                await gate.WaitAsync(waiting.Token);
            }
            catch (OperationCanceledException)
            {
                if (clientGone.IsCancellationRequested)
                {
                    Interlocked.Increment(ref _abandoned);
                }

                return Results.Empty;
            }
            finally
            {
                Interlocked.Decrement(ref _held);
            }
        }

        if (!_responses.TryDequeue(out var reply) && (reply = Volatile.Read(ref _standing)) is null)
        {
            return Results.Text(
                ErrorBody("invalid_request_error", "No response queued in FakeOpenAiServer.", code: null).ToJsonString(WireFormat),
                "application/json",
                statusCode: StatusCodes.Status400BadRequest);
        }

        var (stream, includeUsage) = ReadStreamOptions(request.Body);
        if (reply.StatusCode == StatusCodes.Status200OK && stream)
        {
            return Results.Stream(body => StreamAsync(body, reply, includeUsage, clientGone), "text/event-stream");
        }

        if (reply.StallAfterChunks is not null && !await StallAsync(reply, clientGone))
        {
            return Results.Empty;
        }

        reply.MarkSent();
        return Results.Text(reply.Body.ToJsonString(WireFormat), "application/json", statusCode: reply.StatusCode);
    }

    /// <summary>Waits at a reply's stall point; true when released, false when the client went away or the server stops.</summary>
    private async Task<bool> StallAsync(FakeOpenAiReply reply, CancellationToken clientGone)
    {
        Interlocked.Increment(ref _stalled);
        reply.MarkStalled();
        try
        {
            using var waiting = CancellationTokenSource.CreateLinkedTokenSource(clientGone, _stopping.Token);
            await reply.Released.WaitAsync(waiting.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            if (clientGone.IsCancellationRequested)
            {
                Interlocked.Increment(ref _disconnected);
                reply.MarkClientDisconnected();
            }

            return false;
        }
        finally
        {
            Interlocked.Decrement(ref _stalled);
        }
    }

    private async Task StreamAsync(Stream body, FakeOpenAiReply reply, bool includeUsage, CancellationToken clientGone)
    {
        var events = StreamEvents(reply.Body, includeUsage);
        events.Add("[DONE]");
        var stallAt = reply.StallAfterChunks is { } n ? Math.Min(n, events.Count - 1) : -1;
        try
        {
            // Status and headers go out at once, as a provider that has accepted the request and not yet produced a token.
            await body.FlushAsync(clientGone);
            for (var i = 0; i < events.Count; i++)
            {
                if (i == stallAt && !await StallAsync(reply, clientGone))
                {
                    return;
                }

                await body.WriteAsync(Encoding.UTF8.GetBytes($"data: {events[i]}\n\n"), clientGone);
                await body.FlushAsync(clientGone);
                if (i < events.Count - 1)
                {
                    reply.MarkChunkSent();
                }
            }

            reply.MarkSent();
        }
        catch (Exception e) when (e is OperationCanceledException or IOException && clientGone.IsCancellationRequested)
        {
            Interlocked.Increment(ref _disconnected);
            reply.MarkClientDisconnected();
        }
    }

    /// <summary>The <c>chat.completion.chunk</c> objects (as JSON text) that stream <paramref name="completion"/>.</summary>
    private static List<string> StreamEvents(JsonObject completion, bool includeUsage)
    {
        var choice = completion["choices"]![0]!;
        var message = choice["message"]!;
        var content = (string?)message["content"];
        var toolCalls = message["tool_calls"]?.AsArray() ?? [];
        var usage = completion["usage"];
        var withUsage = includeUsage && usage is not null;
        var events = new List<string>();

        JsonObject Chunk(JsonArray choices)
        {
            var chunk = new JsonObject
            {
                ["id"] = completion["id"]?.DeepClone(),
                ["object"] = "chat.completion.chunk",
                ["created"] = completion["created"]?.DeepClone(),
                ["model"] = completion["model"]?.DeepClone(),
                ["system_fingerprint"] = completion["system_fingerprint"]?.DeepClone(),
                ["choices"] = choices,
            };
            if (withUsage)
            {
                chunk["usage"] = null;
            }

            return chunk;
        }

        void Add(JsonObject delta, string? finishReason = null) => events.Add(Chunk(
        [
            new JsonObject { ["index"] = 0, ["delta"] = delta, ["logprobs"] = null, ["finish_reason"] = finishReason },
        ]).ToJsonString(WireFormat));

        // OpenAI opens with the role, and an empty content unless the answer is tool calls alone.
        Add(new JsonObject { ["role"] = "assistant", ["content"] = content is null && toolCalls.Count > 0 ? null : "" });
        foreach (var piece in Pieces(content ?? ""))
        {
            Add(new JsonObject { ["content"] = piece });
        }

        for (var index = 0; index < toolCalls.Count; index++)
        {
            var call = toolCalls[index]!;
            Add(new JsonObject
            {
                ["tool_calls"] = new JsonArray
                {
                    new JsonObject
                    {
                        ["index"] = index,
                        ["id"] = (string?)call["id"],
                        ["type"] = "function",
                        ["function"] = new JsonObject { ["name"] = (string?)call["function"]!["name"], ["arguments"] = "" },
                    },
                },
            });
            foreach (var piece in Pieces((string?)call["function"]!["arguments"] ?? ""))
            {
                Add(new JsonObject
                {
                    ["tool_calls"] = new JsonArray
                    {
                        new JsonObject { ["index"] = index, ["function"] = new JsonObject { ["arguments"] = piece } },
                    },
                });
            }
        }

        Add([], (string?)choice["finish_reason"]);
        if (withUsage)
        {
            var last = Chunk([]);
            last["usage"] = usage!.DeepClone();
            events.Add(last.ToJsonString(WireFormat));
        }

        return events;
    }

    /// <summary>Splits text into pieces of <see cref="CharactersPerChunk"/> code points, never between a surrogate pair.</summary>
    private static IEnumerable<string> Pieces(string text)
    {
        var start = 0;
        var count = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }

            if (++count == CharactersPerChunk)
            {
                yield return text[start..(i + 1)];
                start = i + 1;
                count = 0;
            }
        }

        if (start < text.Length)
        {
            yield return text[start..];
        }
    }

    /// <summary>Whether a request body asks for a stream, and for the usage chunk at its end.</summary>
    private static (bool Stream, bool IncludeUsage) ReadStreamOptions(string body)
    {
        try
        {
            var request = JsonNode.Parse(body);
            return (IsTrue(request?["stream"]), IsTrue(request?["stream_options"]?["include_usage"]));
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return (false, false);
        }
    }

    private static bool IsTrue(JsonNode? node) => node is JsonValue value && value.TryGetValue<bool>(out var flag) && flag;
}
