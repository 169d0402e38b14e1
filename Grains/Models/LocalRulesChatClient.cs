using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;
using Platform.Grains.Runs;
using Platform.Grains.Tools;

namespace Platform.Grains.Models;

/// <summary>
/// The <c>local</c> provider: an offline, deterministic, rule-based stand-in for a model. <b>It is not a language
/// model</b>; it understands four phrasings and nothing else. It exists so the embedded default and the tests drive the
/// same tool-call path a real model does (tool list in, <see cref="FunctionCallContent"/> out, <see cref="FunctionResultContent"/>
/// in, final text out, usage reported), with no network and the same answer every time.
/// </summary>
/// <remarks>
/// Rules, applied to the last user message (tool results never steer it, so text inside them cannot inject a call):
/// <list type="bullet">
/// <item><c>what are my notes</c> (also <c>show/list/read my notes</c>) → <c>notes.read {}</c>.</item>
/// <item><c>note that …</c> (also <c>remember that …</c>) → <c>notes.write {text}</c>.</item>
/// <item><c>email alice@example.test that …</c> (also <c>send an email to …</c>) → <c>email.send {to, subject, body}</c>;
/// the subject is the body's first sentence, at most 60 characters.</item>
/// <item><c>post … to https://…</c> → <c>webhook.post {url, message}</c>; <c>post … to this webhook</c> takes the first
/// URL of a system-message line starting with <see cref="WebhookAllowlistMarker"/>, which the run writes from the
/// workspace policy.</item>
/// </list>
/// A tool is called only if <see cref="ChatOptions.Tools"/> offers it. Once the calls after the last user message all
/// have results, it answers with a summary that says what each call's outcome was: a run's results are read through
/// their <see cref="UntrustedData"/> frame, whose <c>outcome</c> the run set (succeeded, failed with its reason, refused,
/// denied, unknown), and listed notes are plain text. An unframed result (a client's own tool message) containing
/// "denied" reads as a denied approval, one starting with "Error" or "Refused" as a failure. Usage is UTF-8 bytes / 4,
/// rounded up, of everything read and written.
/// </remarks>
public sealed partial class LocalRulesChatClient : IChatClient
{
    /// <summary>The system-message line prefix that lists the workspace's webhook allowlist, URLs separated by spaces or commas.</summary>
    public const string WebhookAllowlistMarker = "Webhook allowlist:";

    /// <summary>The model name it reports unless the options name another.</summary>
    public const string DefaultModelId = "local-rules-1";

    private const string Help =
        "I am the local rule-based assistant, not a language model. I can: \"note that …\", \"what are my notes\", "
        + "\"email someone@example.com that …\", and \"post … to this webhook\" (or to a URL).";

    // AIJsonUtilities.DefaultOptions indents; arguments on the wire and in token counts are compact.
    private static readonly JsonSerializerOptions Compact = new(AIJsonUtilities.DefaultOptions) { WriteIndented = false };

    private static readonly ChatClientMetadata Metadata = new("local", null, DefaultModelId);

    // A bound on a pathological input, not on normal work: 100 ms was tripped by scheduling alone on a loaded
    // two-core machine (the run then failed as if the model had), so a second, as the platform's other patterns use.
    private const int MatchTimeoutMilliseconds = 1000;

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        cancellationToken.ThrowIfCancellationRequested();
        var conversation = messages.ToList();
        var reply = Respond(conversation, options);
        var output = Truncate(reply, options?.MaxOutputTokens, out var truncated);
        return Task.FromResult(new ChatResponse(output)
        {
            ModelId = options?.ModelId ?? DefaultModelId,
            ResponseId = $"local-{conversation.Count}",
            FinishReason = truncated ? ChatFinishReason.Length : output.Contents.OfType<FunctionCallContent>().Any() ? ChatFinishReason.ToolCalls : ChatFinishReason.Stop,
            Usage = Usage(conversation, output),
        });
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken);
        foreach (var update in response.ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType == typeof(ChatClientMetadata) ? Metadata
        : serviceKey is null && serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose()
    {
    }

    /// <summary>The deterministic token count of a text: UTF-8 bytes / 4, rounded up.</summary>
    public static long CountTokens(string text) => (Encoding.UTF8.GetByteCount(text) + 3) / 4;

    private static ChatMessage Respond(List<ChatMessage> conversation, ChatOptions? options)
    {
        var lastUser = conversation.FindLastIndex(static m => m.Role == ChatRole.User);
        if (lastUser < 0)
        {
            return Text(Help);
        }

        var after = conversation.Skip(lastUser + 1).ToList();
        var calls = after.SelectMany(static m => m.Contents.OfType<FunctionCallContent>()).ToList();
        if (calls.Count > 0)
        {
            var results = after.SelectMany(static m => m.Contents.OfType<FunctionResultContent>()).ToDictionary(static r => r.CallId, StringComparer.Ordinal);
            return Text(string.Join("\n", calls.Select(c => Summarize(c, results.GetValueOrDefault(c.CallId)))));
        }

        var offered = (options?.Tools ?? []).OfType<AIFunctionDeclaration>().Select(static t => t.Name).ToHashSet(StringComparer.Ordinal);
        var text = conversation[lastUser].Text.Trim();
        var callId = $"call_local_{conversation.Count}";

        if (ReadNotes().IsMatch(text))
        {
            return Call(offered, callId, ToolNames.NotesRead, []);
        }

        if (WriteNote().Match(text) is { Success: true } note)
        {
            return Call(offered, callId, ToolNames.NotesWrite, new() { ["text"] = Sentence(note.Groups["text"].Value) });
        }

        if (Email().Match(text) is { Success: true } email)
        {
            var body = Sentence(email.Groups["body"].Value);
            return Call(offered, callId, ToolNames.EmailSend, new() { ["to"] = email.Groups["to"].Value, ["subject"] = Subject(body), ["body"] = body });
        }

        if (Webhook().Match(text) is { Success: true } post)
        {
            var url = post.Groups["url"].Success ? post.Groups["url"].Value : FirstAllowlisted(conversation);
            return url is null
                ? Text("There is no webhook on this workspace's allowlist. Ask an admin to add one, or give me the URL.")
                : Call(offered, callId, ToolNames.WebhookPost, new() { ["url"] = url, ["message"] = Unquote(post.Groups["message"].Value) });
        }

        return Text(Help);
    }

    private static ChatMessage Call(HashSet<string> offered, string callId, string tool, Dictionary<string, object?> arguments) =>
        offered.Contains(tool)
            ? new ChatMessage(ChatRole.Assistant, [new FunctionCallContent(callId, tool, arguments)])
            : Text($"I cannot do that here: the {tool} tool is not available to me.");

    private static string Summarize(FunctionCallContent call, FunctionResultContent? result)
    {
        var (done, notDone) = Phrases(call);
        if (result is null)
        {
            return $"{notDone}: no result came back.";
        }

        // A run's result is framed and states its outcome; a client's own tool message (the proxy) is read as it is.
        var text = ResultText(result);
        var (status, content) = UntrustedData.TryRead(text, out var framed)
            ? (framed.Status, framed.Content)
            : (Guess(result, text), text);
        return status switch
        {
            ToolResultStatus.Succeeded => call.Name == ToolNames.NotesRead ? ListNotes(content) : done,
            ToolResultStatus.Unknown => $"Whether the {call.Name} call acted is unknown: {Reason(content)}.",
            _ => $"{notDone}: {Reason(content)}.",
        };
    }

    // What happened in words, per tool: the success sentence, and the failure sentence before its reason.
    private static (string Done, string NotDone) Phrases(FunctionCallContent call) => call.Name switch
    {
        ToolNames.EmailSend => ($"The email to {Argument(call, "to")} was sent.", $"The email to {Argument(call, "to")} was not sent"),
        ToolNames.WebhookPost => ("The message was posted to the webhook.", "The message was not posted to the webhook"),
        ToolNames.NotesWrite => ($"Noted: {Argument(call, "text")}", "The note was not saved"),
        ToolNames.NotesRead => ("", "Your notes were not read"),
        _ => ($"The {call.Name} call was done.", $"The {call.Name} call was not done"),
    };

    // An unframed result: "denied" reads as a denied approval, "Error…"/"Refused…" (or an exception) as a failure.
    private static ToolResultStatus Guess(FunctionResultContent result, string text) =>
        text.Contains("denied", StringComparison.OrdinalIgnoreCase) ? ToolResultStatus.Denied
        : result.Exception is not null || text.StartsWith("Error", StringComparison.OrdinalIgnoreCase) || text.StartsWith("Refused", StringComparison.OrdinalIgnoreCase) ? ToolResultStatus.Failed
        : ToolResultStatus.Succeeded;

    // "Error: the mail relay localhost:25 refused the connection." → "the mail relay localhost:25 refused the connection"
    private static string Reason(string content)
    {
        var reason = ReasonPrefix().Replace(content.Trim(), "").Trim().TrimEnd('.');
        return reason.Length == 0 ? "no reason was given" : Clip(reason, 300);
    }

    private static string ListNotes(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var notes = document.RootElement.GetProperty("notes").EnumerateArray().Select(static n => n.GetProperty("text").GetString()).ToList();
            return notes.Count == 0 ? "You have no notes yet." : "Your notes:\n" + string.Join("\n", notes.Select(static n => $"- {n}"));
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return "Your notes: " + Clip(json, 2000);
        }
    }

    private static string ResultText(FunctionResultContent result) => result.Result switch
    {
        null => "",
        string s => s,
        JsonElement { ValueKind: JsonValueKind.String } e => e.GetString()!,
        JsonElement e => e.GetRawText(),
        var other => other.ToString() ?? "",
    };

    private static string Argument(FunctionCallContent call, string name) => call.Arguments?.TryGetValue(name, out var value) == true
        ? value switch
        {
            JsonElement { ValueKind: JsonValueKind.String } e => e.GetString()!,
            var v => v?.ToString() ?? "",
        }
        : "";

    private static string? FirstAllowlisted(List<ChatMessage> conversation) =>
        conversation.Where(static m => m.Role == ChatRole.System)
            .SelectMany(static m => m.Text.Split('\n'))
            .Select(static line => line.Trim())
            .Where(static line => line.StartsWith(WebhookAllowlistMarker, StringComparison.OrdinalIgnoreCase))
            .SelectMany(static line => line[WebhookAllowlistMarker.Length..].Split([' ', ',', '\t'], StringSplitOptions.RemoveEmptyEntries))
            .FirstOrDefault(static url => ToolSchemaValidator.IsHttpUrl(url));

    // "the report is ready" → "The report is ready."
    private static string Sentence(string text)
    {
        text = Unquote(text.Trim());
        if (text.Length == 0)
        {
            return text;
        }

        text = char.ToUpperInvariant(text[0]) + text[1..];
        return text.EndsWith('.') || text.EndsWith('!') || text.EndsWith('?') ? text : text + ".";
    }

    private static string Subject(string body)
    {
        var end = body.IndexOfAny(['.', '!', '?', '\n']);
        var first = (end > 0 ? body[..end] : body).Trim();
        return Clip(first, 60);
    }

    private static string Unquote(string text)
    {
        text = text.Trim();
        return text.Length >= 2 && ((text[0] == '"' && text[^1] == '"') || (text[0] == '\'' && text[^1] == '\'') || (text[0] == '“' && text[^1] == '”'))
            ? text[1..^1].Trim()
            : text;
    }

    private static string Clip(string text, int length) => text.Length <= length ? text : text[..(length - 1)].TrimEnd() + "…";

    private static ChatMessage Text(string text) => new(ChatRole.Assistant, text);

    private static ChatMessage Truncate(ChatMessage reply, int? maxOutputTokens, out bool truncated)
    {
        truncated = false;
        if (maxOutputTokens is not { } max || reply.Contents.OfType<FunctionCallContent>().Any() || CountTokens(reply.Text) <= max)
        {
            return reply;
        }

        // The budget reserved max tokens for this call; a local answer must not report more than was reserved.
        var text = reply.Text;
        var bytes = 0;
        var length = 0;
        while (length < text.Length && bytes + Encoding.UTF8.GetByteCount(text.AsSpan(length, 1)) <= max * 4L)
        {
            bytes += Encoding.UTF8.GetByteCount(text.AsSpan(length, 1));
            length++;
        }

        truncated = true;
        return Text(text[..length]);
    }

    private static UsageDetails Usage(List<ChatMessage> conversation, ChatMessage output)
    {
        var input = conversation.Sum(static m => CountTokens(Serialize(m)));
        var produced = CountTokens(Serialize(output));
        return new UsageDetails { InputTokenCount = input, OutputTokenCount = produced, TotalTokenCount = input + produced };
    }

    private static string Serialize(ChatMessage message)
    {
        var builder = new StringBuilder(message.Text);
        foreach (var content in message.Contents)
        {
            switch (content)
            {
                case FunctionCallContent call:
                    builder.Append(call.Name).Append(JsonSerializer.Serialize(call.Arguments, Compact));
                    break;
                case FunctionResultContent result:
                    builder.Append(ResultText(result));
                    break;
            }
        }

        return builder.ToString();
    }

    [GeneratedRegex(@"^(?:(?:Error|Refused(?: before running)?|Denied|Not run|Outcome unknown)\s*:\s*)+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, MatchTimeoutMilliseconds)]
    private static partial Regex ReasonPrefix();

    [GeneratedRegex(@"^(?:please\s+)?(?:what\s+are|show(?:\s+me)?|list|read)\s+(?:all\s+)?my\s+notes\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, MatchTimeoutMilliseconds)]
    private static partial Regex ReadNotes();

    [GeneratedRegex(@"^(?:please\s+)?(?:note|remember)(?:\s+that|\s*:)\s*(?<text>\S.*)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Singleline, MatchTimeoutMilliseconds)]
    private static partial Regex WriteNote();

    [GeneratedRegex(@"^(?:please\s+)?(?:e-?mail|send\s+(?:an\s+)?e-?mail\s+to)\s+(?<to>[^\s@<>,;:]+@[^\s@<>,;:]+?)[,:]?\s+(?:that\s+|saying\s+)?(?<body>\S.*)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Singleline, MatchTimeoutMilliseconds)]
    private static partial Regex Email();

    [GeneratedRegex(@"^(?:please\s+)?post\s+(?<message>\S.*?)\s+to\s+(?:(?:this|the|our|my)\s+webhook|(?:the\s+webhook\s+(?:at\s+)?)?(?<url>https?://[^\s]+?))\s*[.!]?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Singleline, MatchTimeoutMilliseconds)]
    private static partial Regex Webhook();
}
