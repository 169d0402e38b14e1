using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace Platform.Testing;

/// <summary>
/// Slack's Web API for tests, in its real wire format: <c>chat.postMessage</c> and <c>conversations.history</c> under
/// <c>/api/</c>, with failures answered as HTTP 200 and <c>{"ok":false,"error":…}</c> as Slack does. The bearer token is
/// checked against a set the test controls and may change at any time (so revocation can be simulated): no token is
/// <c>not_authed</c>, an unknown one <c>invalid_auth</c>. Channels exist only once added or seeded; any other channel
/// is <c>not_in_channel</c>. Posted messages are recorded and join their channel's history.
/// </summary>
/// <remarks>
/// Arguments are read from the query and from a JSON or form body, as Slack accepts them; a JSON body sent without
/// <c>charset=utf-8</c> succeeds with Slack's <c>missing_charset</c> warning. History comes newest first, at most
/// <c>limit</c> (default 100) messages, with <c>has_more</c>; there is no cursor pagination.
/// </remarks>
public sealed class FakeSlackServer : IAsyncDisposable
{
    /// <summary>The bot user the fake posts as.</summary>
    public const string BotUserId = "U0FAKEBOT01";

    /// <summary>The bot id the fake posts as.</summary>
    public const string BotId = "B0FAKEBOT01";

    private readonly ConcurrentDictionary<string, byte> _tokens = new(StringComparer.Ordinal);
    private Func<string, Task<bool>>? _check;
    private readonly ConcurrentDictionary<string, List<JsonObject>> _channels = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<FakeSlackPost> _posted = new();
    private readonly ConcurrentQueue<JsonReply> _interruptions = new();
    private LoopbackWebServer? _server;
    private int _sequence;

    private FakeSlackServer()
    {
    }

    /// <summary>The Web API base a client is configured with (<c>http://127.0.0.1:port/api/</c>, as <c>https://slack.com/api/</c>).</summary>
    public Uri BaseUrl => new(Server.Address, "api/");

    /// <summary>Every request received, in order.</summary>
    public IReadOnlyList<RecordedHttpRequest> Requests => Server.Requests;

    /// <summary>Every message accepted by <c>chat.postMessage</c>, in order.</summary>
    public IReadOnlyList<FakeSlackPost> Posted => [.. _posted];

    private LoopbackWebServer Server => _server ?? throw new InvalidOperationException("The server has not started.");

    /// <summary>Starts a fake that accepts <paramref name="acceptedTokens"/>.</summary>
    public static async Task<FakeSlackServer> StartAsync(params string[] acceptedTokens)
    {
        var fake = new FakeSlackServer();
        foreach (var token in acceptedTokens)
        {
            fake.AcceptToken(token);
        }

        fake._server = await LoopbackWebServer.StartAsync(fake.Handle);
        return fake;
    }

    /// <summary>From now on, <paramref name="token"/> is accepted.</summary>
    public void AcceptToken(string token) => _tokens[token] = 0;

    /// <summary>From now on, <paramref name="token"/> is refused with <c>invalid_auth</c>, as a revoked token is.</summary>
    public void RevokeToken(string token) => _tokens.TryRemove(token, out _);

    /// <summary>
    /// Also accepts any token <paramref name="check"/> calls valid: pass an OAuth server's introspection, and tokens it
    /// issued work here until it revokes them, as at the real provider.
    /// </summary>
    public void ValidateTokensWith(Func<string, Task<bool>> check) => _check = check;

    /// <summary>Makes <paramref name="channel"/> known (the bot is a member), with no messages yet.</summary>
    public void AddChannel(string channel) => _channels.GetOrAdd(channel, static _ => []);

    /// <summary>Adds a message by <paramref name="user"/> to <paramref name="channel"/>'s history and answers its <c>ts</c>.</summary>
    public string SeedMessage(string channel, string user, string text)
    {
        var ts = NextTs();
        Append(channel, new JsonObject { ["type"] = "message", ["user"] = user, ["text"] = text, ["ts"] = ts });
        return ts;
    }

    /// <summary>The next request, whatever it is, is answered <c>{"ok":false,"error":<paramref name="error"/>}</c>.</summary>
    public void FailNext(string error) =>
        _interruptions.Enqueue(new JsonReply(StatusCodes.Status200OK, new JsonObject { ["ok"] = false, ["error"] = error }));

    /// <summary>The next request is answered HTTP 429 with <c>Retry-After: <paramref name="retryAfterSeconds"/></c>, as Slack rate limits.</summary>
    public void RateLimitNext(int retryAfterSeconds) => _interruptions.Enqueue(new JsonReply(
        StatusCodes.Status429TooManyRequests,
        new JsonObject { ["ok"] = false, ["error"] = "ratelimited" },
        [new("Retry-After", retryAfterSeconds.ToString(CultureInfo.InvariantCulture))]));

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    private IResult Handle(RecordedHttpRequest request)
    {
        if (_interruptions.TryDequeue(out var interruption))
        {
            return interruption;
        }

        var question = request.Path.IndexOf('?', StringComparison.Ordinal);
        var method = question < 0 ? request.Path : request.Path[..question];
        var arguments = Arguments(request, question < 0 ? "" : request.Path[question..]);
        if (arguments is null)
        {
            return Error("invalid_json");
        }

        if (method is not ("/api/chat.postMessage" or "/api/conversations.history"))
        {
            return new JsonReply(StatusCodes.Status404NotFound, new JsonObject { ["ok"] = false, ["error"] = "unknown_method", ["req_method"] = method.Replace("/api/", "", StringComparison.Ordinal) });
        }

        var authorization = request.Header("authorization");
        if (authorization is null || !authorization.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            return Error("not_authed");
        }

        if (!IsAccepted(authorization["Bearer ".Length..]))
        {
            return Error("invalid_auth");
        }

        var channel = arguments.GetValueOrDefault("channel").ToString();
        if (channel.Length == 0)
        {
            return Error("channel_not_found");
        }

        if (!_channels.TryGetValue(channel, out var history))
        {
            return Error("not_in_channel");
        }

        return method == "/api/chat.postMessage" ? Post(request, channel, arguments) : History(history, arguments);
    }

    private JsonReply Post(RecordedHttpRequest request, string channel, Dictionary<string, StringValues> arguments)
    {
        var text = arguments.GetValueOrDefault("text").ToString();
        if (text.Length == 0)
        {
            return Error("no_text");
        }

        var ts = NextTs();
        var message = new JsonObject
        {
            ["user"] = BotUserId,
            ["type"] = "message",
            ["ts"] = ts,
            ["bot_id"] = BotId,
            ["app_id"] = "A0FAKEAPP01",
            ["text"] = text,
            ["team"] = "T0FAKETEAM1",
        };
        Append(channel, (JsonObject)message.DeepClone());
        _posted.Enqueue(new FakeSlackPost(channel, text, ts));
        var answer = new JsonObject { ["ok"] = true, ["channel"] = channel, ["ts"] = ts, ["message"] = message };
        if (request.Header("content-type") is { } type && type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)
            && !type.Contains("charset=utf-8", StringComparison.OrdinalIgnoreCase))
        {
            answer["warning"] = "missing_charset";
            answer["response_metadata"] = new JsonObject { ["warnings"] = new JsonArray("missing_charset") };
        }

        return new JsonReply(StatusCodes.Status200OK, answer);
    }

    private static JsonReply History(List<JsonObject> history, Dictionary<string, StringValues> arguments)
    {
        var limit = int.TryParse(arguments.GetValueOrDefault("limit"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? Math.Min(n, 999) : 100;
        JsonObject[] newestFirst;
        lock (history)
        {
            newestFirst = [.. history.AsEnumerable().Reverse()];
        }

        var messages = new JsonArray([.. newestFirst.Take(limit).Select(static m => m.DeepClone())]);
        return new JsonReply(StatusCodes.Status200OK, new JsonObject
        {
            ["ok"] = true,
            ["messages"] = messages,
            ["has_more"] = newestFirst.Length > limit,
            ["pin_count"] = 0,
        });
    }

    /// <summary>The call's arguments from the query and a JSON or form body; null when a JSON body does not parse.</summary>
    private static Dictionary<string, StringValues>? Arguments(RecordedHttpRequest request, string query)
    {
        var arguments = QueryHelpers.ParseQuery(query);
        var type = request.Header("content-type") ?? "";
        if (type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                if (JsonNode.Parse(request.Body) is not JsonObject body)
                {
                    return null;
                }

                foreach (var (name, value) in body)
                {
                    arguments[name] = value is JsonValue v && v.TryGetValue<string>(out var s) ? s : value?.ToJsonString();
                }
            }
            catch (JsonException)
            {
                return null;
            }
        }
        else if (type.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            foreach (var (name, value) in QueryHelpers.ParseQuery(request.Body))
            {
                arguments[name] = value;
            }
        }

        return arguments;
    }

    private void Append(string channel, JsonObject message)
    {
        var history = _channels.GetOrAdd(channel, static _ => []);
        lock (history)
        {
            history.Add(message);
        }
    }

    /// <summary>Slack's message id: seconds and six digits, increasing, unique per fake.</summary>
    private string NextTs()
    {
        var n = Interlocked.Increment(ref _sequence);
        return string.Create(CultureInfo.InvariantCulture, $"{1_767_225_600 + n}.{n:D6}");
    }

    private static JsonReply Error(string error) =>
        new(StatusCodes.Status200OK, new JsonObject { ["ok"] = false, ["error"] = error });

    // The fake's handlers are synchronous; a test server can afford to wait for the introspection call.
    private bool IsAccepted(string token) => _tokens.ContainsKey(token) || (_check is { } check && check(token).GetAwaiter().GetResult());
}
