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
