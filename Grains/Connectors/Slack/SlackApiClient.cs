using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Platform.Grains.Connectors.Slack;

/// <summary>
/// Calls Slack's Web API with a workspace's bot token: posts a message, reads a channel's recent history. Every failure
/// becomes a <see cref="ConnectorApiException"/> whose message is safe to hand to a model; Slack reports most failures
/// as HTTP 200 with <c>{"ok":false,"error":"…"}</c>, so the body decides, not the status.
/// </summary>
/// <remarks>
/// The <see cref="HttpClient"/> is the caller's named client (no redirects, bounded time); this class never follows a
/// redirect nor re-issues a request, so a post is sent at most once. The token travels per call, never stored here.
/// </remarks>
public sealed class SlackApiClient(HttpClient http, TimeProvider time, ILogger<SlackApiClient> logger)
{
    /// <summary>The name of the <see cref="HttpClient"/> meant for this client.</summary>
    public const string HttpClientName = "Platform.Connectors.Slack";

    /// <summary>The most messages one history read may ask for (Slack's own maximum for <c>limit</c>).</summary>
    public const int MaxHistoryLimit = 999;

    /// <summary>Slack truncates longer texts; refusing them keeps what is posted exactly what was asked for.</summary>
    public const int MaxTextLength = 40_000;

    private const string Provider = "Slack";

    /// <summary>Slack's own Web API base.</summary>
    public static Uri DefaultBaseUrl { get; } = new("https://slack.com/api/");

    /// <summary>Posts <paramref name="text"/> to <paramref name="channel"/> (<c>chat.postMessage</c>) and answers the new message's <c>ts</c>.</summary>
    public async Task<string> PostMessageAsync(Uri baseUrl, string token, string channel, string text, CancellationToken cancellationToken)
    {
        RequireChannel(channel);
        if (string.IsNullOrWhiteSpace(text) || text.Length > MaxTextLength)
        {
            throw new ConnectorApiException(ConnectorFailure.Invalid, $"The message text must be between 1 and {MaxTextLength} characters.");
        }

        // JsonContent sends "application/json; charset=utf-8"; without the charset Slack warns and may misread non-ASCII text.
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(ConnectorHttp.NormalizeBase(baseUrl), "chat.postMessage"))
        {
            Content = JsonContent.Create(new Dictionary<string, string> { ["channel"] = channel, ["text"] = text }),
        };
        using var answer = await CallAsync(request, token, "chat.postMessage", cancellationToken);
        if (answer.RootElement.TryGetProperty("ts", out var ts) && ts.ValueKind == JsonValueKind.String && ts.GetString() is { Length: > 0 } id)
        {
            return id;
        }

        throw Unexpected("chat.postMessage");
    }

    /// <summary>Reads up to <paramref name="limit"/> of the newest messages of <paramref name="channel"/> (<c>conversations.history</c>), newest first.</summary>
    public async Task<IReadOnlyList<SlackMessage>> ReadHistoryAsync(Uri baseUrl, string token, string channel, int limit, CancellationToken cancellationToken)
    {
        RequireChannel(channel);
        if (limit is < 1 or > MaxHistoryLimit)
        {
            throw new ConnectorApiException(ConnectorFailure.Invalid, $"The history limit must be between 1 and {MaxHistoryLimit}.");
        }

        var query = $"conversations.history?channel={Uri.EscapeDataString(channel)}&limit={limit.ToString(CultureInfo.InvariantCulture)}";
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(ConnectorHttp.NormalizeBase(baseUrl), query));
        using var answer = await CallAsync(request, token, "conversations.history", cancellationToken);
        if (!answer.RootElement.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array)
        {
            throw Unexpected("conversations.history");
        }

        var result = new List<SlackMessage>(messages.GetArrayLength());
        foreach (var message in messages.EnumerateArray())
        {
            if (message.ValueKind != JsonValueKind.Object || String(message, "ts") is not { } ts)
            {
                throw Unexpected("conversations.history");
            }

            result.Add(new SlackMessage(String(message, "user"), String(message, "text") ?? "", ts));
        }

        return result;
    }

    /// <summary>
    /// Sends the request and answers the parsed body of an <c>"ok": true</c> answer; anything else is thrown as the
    /// failure kind it means.
    /// </summary>
    private async Task<JsonDocument> CallAsync(HttpRequestMessage request, string token, string operation, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = ConnectorHttp.Bearer(token, Provider);
        using var response = await ConnectorHttp.SendAsync(http, request, Provider, cancellationToken);
        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            throw Fail(operation, (int)response.StatusCode, "ratelimited", ConnectorFailure.RateLimited, "Slack is rate limiting these calls; try again later.", ConnectorHttp.RetryAfter(response, time));
        }

        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw Fail(operation, (int)response.StatusCode, "", ConnectorFailure.Failed, $"Slack answered HTTP {(int)response.StatusCode}.");
        }

        var body = await ConnectorHttp.ReadBoundedAsync(response, ConnectorHttp.DefaultMaxBodyBytes, Provider, cancellationToken);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            throw Unexpected(operation);
        }

        var root = document.RootElement;
        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("ok", out var ok) && ok.ValueKind == JsonValueKind.True)
        {
            return document;
        }

        using (document)
        {
            var error = root.ValueKind == JsonValueKind.Object ? String(root, "error") : null;
            var code = ConnectorHttp.IsShortCode(error) ? error! : "unknown_error";
            var (kind, message) = code switch
            {
                "invalid_auth" or "token_revoked" or "token_expired" or "not_authed" or "account_inactive" =>
                    (ConnectorFailure.Unauthorized, $"Slack refused the token ({code}); reconnect the Slack account."),
                "channel_not_found" or "not_in_channel" =>
                    (ConnectorFailure.NotFound, $"Slack cannot find that channel for this app ({code}); check the channel id and invite the app."),
                "ratelimited" =>
                    (ConnectorFailure.RateLimited, "Slack is rate limiting these calls; try again later."),
                _ => (ConnectorFailure.Failed, $"Slack refused the call ({code})."),
            };
            throw Fail(operation, (int)response.StatusCode, code, kind, message);
        }
    }

    private ConnectorApiException Fail(string operation, int status, string code, ConnectorFailure kind, string message, TimeSpan? retryAfter = null)
    {
        ConnectorsLog.CallFailed(logger, Provider, operation, kind, status, code);
        return new ConnectorApiException(kind, message, retryAfter);
    }

    private ConnectorApiException Unexpected(string operation) =>
        Fail(operation, 200, "unexpected_answer", ConnectorFailure.Failed, "Slack answered in an unexpected shape.");

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>Channel ids and names are short and printable; anything else is refused before a request is made.</summary>
    private static void RequireChannel(string channel)
    {
        if (string.IsNullOrWhiteSpace(channel) || channel.Length > 200 || channel.Any(char.IsControl))
        {
            throw new ConnectorApiException(ConnectorFailure.Invalid, "The Slack channel must be a channel id such as C0123456789.");
        }
    }
}
