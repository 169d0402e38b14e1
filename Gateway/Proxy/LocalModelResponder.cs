using System.Buffers;
using System.Text.Json;

using Microsoft.Extensions.AI;

using Platform.Grains.Models;

namespace Platform.Gateway.Proxy;

/// <summary>
/// Answers for a workspace whose provider is <c>local</c>, the offline rule-based stand-in (not a language model), in
/// the same wire format a provider would use, so the embedded default serves <c>/v1/chat/completions</c> with no
/// network. It reads the text of system, user and assistant messages; tools are not offered to it here.
/// </summary>
internal sealed class LocalModelResponder(IChatClientProvider models, TimeProvider time)
{
    /// <summary>Answers <paramref name="call"/>; <paramref name="onBooks"/> puts it on the books before the answer goes out.</summary>
    public async Task RespondAsync(HttpContext context, ProxyCall call, Func<ProxyCall, Task> onBooks)
    {
        var response = await models.GetClient(call.Model).GetResponseAsync(
            Messages(call.Request.Body),
            new ChatOptions { ModelId = call.Model.Model, MaxOutputTokens = call.Request.MaxOutputTokens ?? call.Model.MaxOutputTokens },
            context.RequestAborted);
        var usage = new ReportedUsage(response.Usage?.InputTokenCount ?? 0, response.Usage?.OutputTokenCount ?? 0);
        call.Usage = usage;
        call.UpstreamStatus = StatusCodes.Status200OK;
        var id = $"chatcmpl-local-{Guid.NewGuid():N}";
        var created = time.GetUtcNow().ToUnixTimeSeconds();
        var finish = response.FinishReason == ChatFinishReason.Length ? "length" : "stop";
        var text = response.Text;
        await onBooks(call);
        if (call.ChargeUnrecorded)
        {
            await ChatProxy.WriteChargeUnrecordedAsync(context);
            return;
        }

        var client = context.Response;
        client.StatusCode = StatusCodes.Status200OK;
        if (!call.Request.Stream)
        {
            client.ContentType = "application/json";
            await using var json = new Utf8JsonWriter(client.BodyWriter);
            Envelope(json, id, "chat.completion", created, call.Model.Model);
            json.WriteStartArray("choices");
            json.WriteStartObject();
            json.WriteNumber("index", 0);
            json.WriteStartObject("message");
            json.WriteString("role", "assistant");
            json.WriteString("content", text);
            json.WriteEndObject();
            json.WriteString("finish_reason", finish);
            json.WriteEndObject();
            json.WriteEndArray();
            WriteUsage(json, usage);
            json.WriteEndObject();
            return;
        }

        client.ContentType = "text/event-stream";
        client.Headers.CacheControl = "no-cache";
        await WriteEventAsync(client, json => Chunk(json, id, created, call.Model.Model, delta => { delta.WriteString("role", "assistant"); delta.WriteString("content", text); }, null), context.RequestAborted);
        await WriteEventAsync(client, json => Chunk(json, id, created, call.Model.Model, static _ => { }, finish), context.RequestAborted);
        if (call.Request.ClientWantsUsage)
        {
            await WriteEventAsync(client, json =>
            {
                Envelope(json, id, "chat.completion.chunk", created, call.Model.Model);
                json.WriteStartArray("choices");
                json.WriteEndArray();
                WriteUsage(json, usage);
                json.WriteEndObject();
            }, context.RequestAborted);
        }

        client.BodyWriter.Write("data: [DONE]\n\n"u8);
        await client.BodyWriter.FlushAsync(context.RequestAborted);
    }

    private static List<ChatMessage> Messages(ReadOnlyMemory<byte> body)
    {
        using var document = JsonDocument.Parse(body);
        var messages = new List<ChatMessage>();
        foreach (var message in document.RootElement.GetProperty("messages").EnumerateArray())
        {
            var role = message.GetProperty("role").GetString() switch
            {
                "system" or "developer" => ChatRole.System,
                "assistant" => ChatRole.Assistant,
                "tool" => ChatRole.Tool,
                _ => ChatRole.User,
            };
            messages.Add(new ChatMessage(role, Text(message)));
        }

        return messages;
    }

    private static string Text(JsonElement message)
    {
        if (!message.TryGetProperty("content", out var content))
        {
            return "";
        }

        if (content.ValueKind == JsonValueKind.String)
        {
            return content.GetString() ?? "";
        }

        // Content parts: the text ones, in order.
        return content.ValueKind != JsonValueKind.Array
            ? ""
            : string.Join("\n", content.EnumerateArray()
                .Where(static p => p.ValueKind == JsonValueKind.Object && p.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String)
                .Select(static p => p.GetProperty("text").GetString()));
    }

    private static void Envelope(Utf8JsonWriter json, string id, string kind, long created, string model)
    {
        json.WriteStartObject();
        json.WriteString("id", id);
        json.WriteString("object", kind);
        json.WriteNumber("created", created);
        json.WriteString("model", model);
    }

    private static void Chunk(Utf8JsonWriter json, string id, long created, string model, Action<Utf8JsonWriter> delta, string? finish)
    {
        Envelope(json, id, "chat.completion.chunk", created, model);
        json.WriteStartArray("choices");
        json.WriteStartObject();
        json.WriteNumber("index", 0);
        json.WriteStartObject("delta");
        delta(json);
        json.WriteEndObject();
        if (finish is null)
        {
            json.WriteNull("finish_reason");
        }
        else
        {
            json.WriteString("finish_reason", finish);
        }

        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteUsage(Utf8JsonWriter json, ReportedUsage usage)
    {
        json.WriteStartObject("usage");
        json.WriteNumber("prompt_tokens", usage.PromptTokens);
        json.WriteNumber("completion_tokens", usage.CompletionTokens);
        json.WriteNumber("total_tokens", usage.PromptTokens + usage.CompletionTokens);
        json.WriteEndObject();
    }

    private static async Task WriteEventAsync(HttpResponse client, Action<Utf8JsonWriter> write, CancellationToken cancellationToken)
    {
        client.BodyWriter.Write("data: "u8);
        using (var json = new Utf8JsonWriter(client.BodyWriter))
        {
            write(json);
        }

        client.BodyWriter.Write("\n\n"u8);
        await client.BodyWriter.FlushAsync(cancellationToken);
    }
}
