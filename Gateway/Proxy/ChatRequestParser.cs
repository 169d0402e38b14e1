using System.Text;
using System.Text.Json;

namespace Platform.Gateway.Proxy;

/// <summary>
/// Reads a <c>/v1/chat/completions</c> body far enough to enforce budget and policy: the model, streaming, the output
/// limit, and every string in it. Anything else is the model provider's to judge, so unknown fields pass through.
/// </summary>
internal static class ChatRequestParser
{
    /// <summary>The most choices one request may ask for; each multiplies the worst-case output.</summary>
    public const int MaxChoices = 16;

    // A duplicate key is refused: the proxy and the provider could each read a different one of them (a limit of 1 here,
    // 16 there), and what was reserved must be what the provider sees.
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 64, AllowDuplicateProperties = false };

    public static ChatRequest? Parse(ReadOnlyMemory<byte> body, out ProxyRejection? rejection)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, Options);
        }
        catch (JsonException)
        {
            rejection = ProxyRejection.Invalid("The request body is not valid JSON (or repeats a key).");
            return null;
        }

        using (document)
        {
            try
            {
                return Read(document.RootElement, body, out rejection);
            }
            catch (InvalidOperationException)
            {
                // A string the parser accepts but cannot decode (a lone surrogate, invalid UTF-8) is the client's error.
                rejection = ProxyRejection.Invalid("The request body holds a string that is not valid Unicode.");
                return null;
            }
        }
    }

    private static ChatRequest? Read(JsonElement root, ReadOnlyMemory<byte> body, out ProxyRejection? rejection)
    {
        {
            if (root.ValueKind != JsonValueKind.Object)
            {
                rejection = ProxyRejection.Invalid("The request body must be a JSON object.");
                return null;
            }

            if (!root.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.String || model.GetString() is not { Length: > 0 } modelName)
            {
                rejection = ProxyRejection.Invalid("'model' is required: the name of a model of this workspace (GET /v1/models lists them).", "model");
                return null;
            }

            if (!root.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array || messages.GetArrayLength() == 0)
            {
                rejection = ProxyRejection.Invalid("'messages' is required: a non-empty array of messages.", "messages");
                return null;
            }

            foreach (var message in messages.EnumerateArray())
            {
                if (message.ValueKind != JsonValueKind.Object || !message.TryGetProperty("role", out var role) || role.ValueKind != JsonValueKind.String)
                {
                    rejection = ProxyRejection.Invalid("Each message must be an object with a 'role'.", "messages");
                    return null;
                }
            }

            if (!TryBoolean(root, "stream", out var stream, out rejection)
                || !TryPositive(root, "max_completion_tokens", int.MaxValue, out var maxCompletion, out rejection)
                || !TryPositive(root, "max_tokens", int.MaxValue, out var maxTokens, out rejection)
                || !TryPositive(root, "n", MaxChoices, out var choices, out rejection))
            {
                return null;
            }

            var hasStreamOptions = false;
            var wantsUsage = false;
            if (root.TryGetProperty("stream_options", out var streamOptions))
            {
                // Present even as null: adding a second one would leave which one counts to the provider's parser.
                hasStreamOptions = true;
                if (streamOptions.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
                {
                    rejection = ProxyRejection.Invalid("'stream_options' must be an object.", "stream_options");
                    return null;
                }

                if (streamOptions.ValueKind == JsonValueKind.Object && !TryBoolean(streamOptions, "include_usage", out wantsUsage, out rejection))
                {
                    return null;
                }
            }

            var text = new StringBuilder(body.Length);
            var attachments = 0;
            Collect(root, text, ref attachments);
            rejection = null;
            int? maxOutput = (maxCompletion, maxTokens) switch
            {
                (0, 0) => null,
                _ => Math.Max(maxCompletion, maxTokens),
            };
            // Present even as null (or written with escapes): splicing a second one would leave the choice to the provider.
            var hasLimitField = root.TryGetProperty("max_completion_tokens", out _);
            return new ChatRequest(body, modelName, stream, wantsUsage, hasStreamOptions, hasLimitField, maxOutput, Math.Max(1, choices), text.ToString(), attachments);
        }
    }

    /// <summary>Every property name and string value, decoded, one per line: what a model or a log would see.</summary>
    private static void Collect(JsonElement element, StringBuilder text, ref int attachments)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    text.Append(property.Name).Append('\n');
                    if (property.NameEquals("type") && property.Value.ValueKind == JsonValueKind.String
                        && (property.Value.ValueEquals("image_url") || property.Value.ValueEquals("input_audio") || property.Value.ValueEquals("file")))
                    {
                        attachments++;
                    }

                    Collect(property.Value, text, ref attachments);
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    Collect(item, text, ref attachments);
                }

                break;
            case JsonValueKind.String:
                text.Append(element.GetString()).Append('\n');
                break;
        }
    }

    private static bool TryBoolean(JsonElement parent, string name, out bool value, out ProxyRejection? rejection)
    {
        value = false;
        rejection = null;
        if (!parent.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (element.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            value = element.GetBoolean();
            return true;
        }

        rejection = ProxyRejection.Invalid($"'{name}' must be true or false.", name);
        return false;
    }

    private static bool TryPositive(JsonElement parent, string name, int max, out int value, out ProxyRejection? rejection)
    {
        value = 0;
        rejection = null;
        if (!parent.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (element.ValueKind == JsonValueKind.Number && element.TryGetInt32(out value) && value >= 1 && value <= max)
        {
            return true;
        }

        rejection = ProxyRejection.Invalid($"'{name}' must be an integer from 1 to {max}.", name);
        return false;
    }
}
