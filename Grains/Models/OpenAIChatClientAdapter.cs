using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.AI;
using OpenAI.Chat;
using AIChatMessage = Microsoft.Extensions.AI.ChatMessage;
using AIChatRole = Microsoft.Extensions.AI.ChatRole;
using AIFinishReason = Microsoft.Extensions.AI.ChatFinishReason;
using OpenAIChatMessage = OpenAI.Chat.ChatMessage;
using OpenAIFinishReason = OpenAI.Chat.ChatFinishReason;

namespace Platform.Grains.Models;

/// <summary>
/// <see cref="IChatClient"/> over the official <c>OpenAI</c> package's <see cref="ChatClient"/>, for any
/// OpenAI-compatible server (Microsoft.Extensions.AI.OpenAI, which would do this, does not restore here). It maps
/// system, user, assistant (text and tool calls) and tool-result messages, offered functions with their JSON schemas,
/// tool calls back to <see cref="FunctionCallContent"/>, usage and finish reason. Non-streaming only: the run needs one
/// whole response per step to check tool calls and settle the budget.
/// </summary>
/// <remarks>
/// OpenAI function names allow only letters, digits, '_' and '-', so a tool's dots travel as '_' (<c>notes.read</c> →
/// <c>notes_read</c>) and wire names are mapped back through the tools offered in the same request; a tool call whose
/// name matches no offered tool keeps its wire name, and the catalog then refuses it as unknown.
/// </remarks>
public sealed class OpenAIChatClientAdapter : IChatClient
{
    // AIJsonUtilities.DefaultOptions indents; arguments on the wire and in token counts are compact.
    private static readonly JsonSerializerOptions Compact = new(AIJsonUtilities.DefaultOptions) { WriteIndented = false };

    private readonly ChatClient _client;
    private readonly ChatClientMetadata _metadata;

    public OpenAIChatClientAdapter(ChatClient client, string modelId, Uri? endpoint)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _metadata = new ChatClientMetadata("openai", endpoint, modelId);
    }

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<AIChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var tools = (options?.Tools ?? []).OfType<AIFunctionDeclaration>().ToList();
        var wireToName = tools.ToDictionary(static t => WireName(t.Name), static t => t.Name, StringComparer.Ordinal);
        var request = new ChatCompletionOptions();
        foreach (var tool in tools)
        {
            request.Tools.Add(ChatTool.CreateFunctionTool(WireName(tool.Name), tool.Description, BinaryData.FromString(tool.JsonSchema.GetRawText())));
        }

        if (options?.MaxOutputTokens is { } max)
        {
            request.MaxOutputTokenCount = max;
        }

        if (options?.Temperature is { } temperature)
        {
            request.Temperature = temperature;
        }

        if (tools.Count > 0 && options?.ToolMode is NoneChatToolMode)
        {
            request.ToolChoice = ChatToolChoice.CreateNoneChoice();
        }
        else if (tools.Count > 0 && options?.ToolMode is RequiredChatToolMode)
        {
            request.ToolChoice = ChatToolChoice.CreateRequiredChoice();
        }

        var completion = (await _client.CompleteChatAsync(messages.SelectMany(ToOpenAI), request, cancellationToken)).Value;
        var reply = new AIChatMessage(AIChatRole.Assistant, [])
        {
            MessageId = completion.Id,
        };
        var text = string.Concat(completion.Content.Where(static p => p.Kind == ChatMessageContentPartKind.Text).Select(static p => p.Text));
        if (text.Length > 0)
        {
            reply.Contents.Add(new TextContent(text));
        }

        foreach (var call in completion.ToolCalls)
        {
            var name = wireToName.GetValueOrDefault(call.FunctionName, call.FunctionName);
            reply.Contents.Add(FunctionCallContent.CreateFromParsedArguments(call.FunctionArguments.ToString(), call.Id, name, ParseArguments));
        }

        return new ChatResponse(reply)
        {
            ResponseId = completion.Id,
            ModelId = completion.Model,
            CreatedAt = completion.CreatedAt,
            FinishReason = ToFinishReason(completion.FinishReason),
            Usage = completion.Usage is { } usage
                ? new UsageDetails { InputTokenCount = usage.InputTokenCount, OutputTokenCount = usage.OutputTokenCount, TotalTokenCount = usage.TotalTokenCount }
                : null,
        };
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<AIChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // One whole response, delivered as updates: callers that stream still work, without a second wire mapping.
        var response = await GetResponseAsync(messages, options, cancellationToken);
        foreach (var update in response.ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(ChatClientMetadata) ? _metadata
            : serviceType == typeof(ChatClient) ? _client
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    public void Dispose()
    {
    }

    /// <summary>The name a tool travels under: OpenAI refuses dots in function names.</summary>
    public static string WireName(string name) => name.Replace('.', '_');

    private static IEnumerable<OpenAIChatMessage> ToOpenAI(AIChatMessage message)
    {
        if (message.Role == AIChatRole.System)
        {
            yield return new SystemChatMessage(message.Text);
        }
        else if (message.Role == AIChatRole.User)
        {
            yield return new UserChatMessage(message.Text);
        }
        else if (message.Role == AIChatRole.Assistant)
        {
            var calls = message.Contents.OfType<FunctionCallContent>()
                .Select(static c => ChatToolCall.CreateFunctionToolCall(c.CallId, WireName(c.Name), BinaryData.FromString(JsonSerializer.Serialize(c.Arguments ?? new Dictionary<string, object?>(), Compact))))
                .ToList();
            if (calls.Count == 0)
            {
                yield return new AssistantChatMessage(message.Text);
                yield break;
            }

            var assistant = new AssistantChatMessage(calls);
            if (message.Text.Length > 0)
            {
                assistant.Content.Add(ChatMessageContentPart.CreateTextPart(message.Text));
            }

            yield return assistant;
        }
        else if (message.Role == AIChatRole.Tool)
        {
            foreach (var result in message.Contents.OfType<FunctionResultContent>())
            {
                yield return new ToolChatMessage(result.CallId, ResultText(result));
            }
        }
        else
        {
            throw new NotSupportedException($"Messages with role '{message.Role}' cannot be sent to an OpenAI-compatible server.");
        }
    }

    private static string ResultText(FunctionResultContent result) => result.Result switch
    {
        null => result.Exception is null ? "" : "Error: the tool failed.",
        string s => s,
        JsonElement e => e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetRawText(),
        var other => JsonSerializer.Serialize(other, Compact),
    };

    private static Dictionary<string, object?>? ParseArguments(string json) =>
        string.IsNullOrWhiteSpace(json) ? [] : JsonSerializer.Deserialize<Dictionary<string, object?>>(json, AIJsonUtilities.DefaultOptions);

    private static AIFinishReason? ToFinishReason(OpenAIFinishReason reason) => reason switch
    {
        OpenAIFinishReason.Stop => AIFinishReason.Stop,
        OpenAIFinishReason.Length => AIFinishReason.Length,
        OpenAIFinishReason.ToolCalls or OpenAIFinishReason.FunctionCall => AIFinishReason.ToolCalls,
        OpenAIFinishReason.ContentFilter => AIFinishReason.ContentFilter,
        _ => null,
    };
}
