using System.Text.Json;

namespace Platform.Gateway.Proxy;

/// <summary>
/// The <c>usage</c> a provider reports in a completion or in a stream's last chunk, read without building a document:
/// the proxy settles every call with it, so reading it must cost next to nothing.
/// </summary>
/// <param name="PromptTokens">Prompt tokens.</param>
/// <param name="CompletionTokens">Completion tokens.</param>
internal readonly record struct ReportedUsage(long PromptTokens, long CompletionTokens)
{
    /// <summary>Reads the top-level <c>usage</c> of a completion or chunk; false when there is none (or it is null or malformed).</summary>
    /// <param name="json">A completion or chunk object.</param>
    /// <param name="usage">The usage, when found.</param>
    /// <param name="noChoices">Whether the object's <c>choices</c> is an empty array (OpenAI's usage-only chunk).</param>
    public static bool TryRead(ReadOnlySpan<byte> json, out ReportedUsage usage, out bool noChoices)
    {
        usage = default;
        noChoices = false;
        var found = false;
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("usage"u8))
                {
                    reader.Read();
                    found = reader.TokenType == JsonTokenType.StartObject && TryReadUsage(ref reader, out usage);
                    if (reader.TokenType == JsonTokenType.StartObject)
                    {
                        reader.Skip();
                    }
                }
                else if (reader.ValueTextEquals("choices"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.StartArray)
                    {
                        reader.Read();
                        noChoices = reader.TokenType == JsonTokenType.EndArray;
                        if (!noChoices)
                        {
                            reader.Skip();
                            SkipToEndOfArray(ref reader);
                        }
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            return false;
        }

        return found;
    }

    private static bool TryReadUsage(ref Utf8JsonReader reader, out ReportedUsage usage)
    {
        usage = default;
        long prompt = -1;
        long completion = -1;
        var depth = reader.CurrentDepth;
        while (reader.Read() && !(reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == depth))
        {
            if (reader.TokenType != JsonTokenType.PropertyName || reader.CurrentDepth != depth + 1)
            {
                continue;
            }

            if (reader.ValueTextEquals("prompt_tokens"u8))
            {
                reader.Read();
                prompt = reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var p) && p >= 0 ? p : -1;
            }
            else if (reader.ValueTextEquals("completion_tokens"u8))
            {
                reader.Read();
                completion = reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var c) && c >= 0 ? c : -1;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (prompt < 0 || completion < 0)
        {
            return false;
        }

        usage = new ReportedUsage(prompt, completion);
        return true;
    }

    private static void SkipToEndOfArray(ref Utf8JsonReader reader)
    {
        // After skipping the first element, skip the rest up to and including the array's end.
        var depth = reader.CurrentDepth - 1;
        while (reader.Read() && !(reader.TokenType == JsonTokenType.EndArray && reader.CurrentDepth == depth))
        {
            reader.Skip();
        }
    }
}
