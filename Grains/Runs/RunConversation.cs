using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Platform.Grains.Runs;

/// <summary>Maps a run's stored conversation to the <see cref="ChatMessage"/>s a model client takes, and back.</summary>
public static class RunConversation
{
    public static List<ChatMessage> ToChatMessages(IEnumerable<ConversationMessage> conversation)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        var messages = new List<ChatMessage>();
        foreach (var message in conversation)
        {
            switch (message.Role)
            {
                case "system":
                    messages.Add(new ChatMessage(ChatRole.System, message.Text ?? ""));
                    break;
                case "user":
                    messages.Add(new ChatMessage(ChatRole.User, message.Text ?? ""));
                    break;
                case "assistant":
                    var contents = new List<AIContent>();
                    if (!string.IsNullOrEmpty(message.Text))
                    {
                        contents.Add(new TextContent(message.Text));
                    }

                    foreach (var call in message.ToolCalls ?? [])
                    {
                        contents.Add(new FunctionCallContent(call.CallId, call.Name, ParseArguments(call.ArgumentsJson)));
                    }

                    messages.Add(new ChatMessage(ChatRole.Assistant, contents));
                    break;
                case "tool":
                    messages.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent(message.ToolCallId ?? "", message.Text)]));
                    break;
                default:
                    throw new InvalidDataException($"Unknown conversation role '{message.Role}'.");
            }
        }

        return messages;
    }

    /// <summary>Everything of the conversation a model request carries, as one text for the egress scan.</summary>
    public static string OutgoingText(IEnumerable<ConversationMessage> conversation)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        var text = new System.Text.StringBuilder();
        foreach (var message in conversation)
        {
            text.Append(message.Text).Append('\n');
            foreach (var call in message.ToolCalls ?? [])
            {
                // Decoded as well as raw: the provider reads the JSON, so an escape (\u002B…) must not hide a value from the scan.
                text.Append(call.Name).Append(' ').Append(call.ArgumentsJson).Append('\n').Append(Platform.Grains.Egress.JsonStrings.Text(call.ArgumentsJson));
            }
        }

        return text.ToString();
    }

    /// <summary>A copy of the conversation with the personal data the policy redacts replaced in every text.</summary>
    public static List<ConversationMessage> Redacted(IEnumerable<ConversationMessage> conversation, Platform.Grains.Interfaces.Workspaces.EgressPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        ArgumentNullException.ThrowIfNull(policy);
        var kinds = Platform.Grains.Egress.EgressGuard.KindsWith(policy, Platform.Grains.Interfaces.Workspaces.EgressAction.Redact);
        return [.. conversation.Select(m => new ConversationMessage
        {
            Role = m.Role,
            Text = m.Text is null ? null : Platform.Grains.Egress.PiiScanner.Redact(m.Text, kinds),
            ToolCallId = m.ToolCallId,
            ToolCalls = m.ToolCalls?.Select(c => new ConversationToolCall
            {
                CallId = c.CallId,
                Name = c.Name,
                ArgumentsJson = Platform.Grains.Egress.JsonStrings.Map(c.ArgumentsJson, s => Platform.Grains.Egress.PiiScanner.Redact(s, kinds)),
            }).ToList(),
        })];
    }

    /// <summary>A model's tool-call arguments as JSON text, whichever way the client delivered them.</summary>
    public static string ArgumentsJson(FunctionCallContent call)
    {
        ArgumentNullException.ThrowIfNull(call);
        return JsonSerializer.Serialize(call.Arguments ?? new Dictionary<string, object?>());
    }

    private static Dictionary<string, object?> ParseArguments(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value.Clone());
    }
}
