using System.Collections.Concurrent;
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
public sealed class FakeOpenAiServer : IAsyncDisposable
{
    private readonly ConcurrentQueue<JsonObject> _responses = new();
    private LoopbackWebServer? _server;
    private TaskCompletionSource _gate = Open();
    private int _sequence;
    private int _held;
    private int _abandoned;

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

    /// <summary>Lets every held request, and every later one, proceed to its queued response.</summary>
    public void Release() => Volatile.Read(ref _gate).TrySetResult();

    /// <summary>Queues a plain text answer.</summary>
    public void EnqueueText(string content, int promptTokens, int completionTokens, string finishReason = "stop") =>
        Enqueue(new JsonObject { ["role"] = "assistant", ["content"] = content }, finishReason, promptTokens, completionTokens);

    /// <summary>Queues an answer that calls tools; <c>Arguments</c> is the JSON text the model "wrote".</summary>
    public void EnqueueToolCalls(IEnumerable<(string Id, string Name, string Arguments)> calls, int promptTokens, int completionTokens, string? content = null)
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

        Enqueue(new JsonObject { ["role"] = "assistant", ["content"] = content, ["tool_calls"] = toolCalls }, "tool_calls", promptTokens, completionTokens);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    private void Enqueue(JsonObject message, string finishReason, int promptTokens, int completionTokens)
    {
        var n = Interlocked.Increment(ref _sequence);
        _responses.Enqueue(new JsonObject
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
            ["usage"] = new JsonObject
            {
                ["prompt_tokens"] = promptTokens,
                ["completion_tokens"] = completionTokens,
                ["total_tokens"] = promptTokens + completionTokens,
            },
        });
    }

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
                await gate.WaitAsync(clientGone);
            }
            catch (OperationCanceledException)
            {
                Interlocked.Increment(ref _abandoned);
                return Results.Empty;
            }
            finally
            {
                Interlocked.Decrement(ref _held);
            }
        }

        return _responses.TryDequeue(out var response)
            ? Results.Text(response.ToJsonString(), "application/json")
            : Results.Json(new { error = new { message = "No response queued in FakeOpenAiServer.", type = "invalid_request_error" } }, statusCode: 400);
    }
}
