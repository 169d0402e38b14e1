using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Platform.Grains.Approvals;

/// <summary>
/// The one textual form of a JSON value, so the same arguments always hash the same: object keys sorted ordinally,
/// no insignificant whitespace, strings re-escaped and numbers written as System.Text.Json writes them (a number keeps
/// its literal digits: <c>1</c> and <c>1.0</c> stay different, which can only make a hash fail to match, never
/// match something else). Duplicate keys are refused: different readers keep different duplicates, so a payload
/// with them could show an approver one value and run another.
/// </summary>
public static class CanonicalJson
{
    /// <summary>How deeply arguments may nest.</summary>
    public const int MaxDepth = 64;

    private static readonly JsonDocumentOptions s_documentOptions = new()
    {
        MaxDepth = MaxDepth,
        AllowDuplicateProperties = false,
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
    };

    /// <summary>The canonical form of <paramref name="json"/>; <see cref="ArgumentException"/> if it is not valid JSON.</summary>
    public static string Canonicalize(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var document = JsonDocument.Parse(json, s_documentOptions);
            var buffer = new ArrayBufferWriter<byte>(Math.Max(256, json.Length));
            using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false, MaxDepth = MaxDepth + 1 }))
            {
                Write(writer, document.RootElement);
            }

            return Encoding.UTF8.GetString(buffer.WrittenSpan);
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException or ArgumentException)
        {
            // Lone surrogates surface as InvalidOperationException/ArgumentException from the writer; all are bad input.
            throw new ArgumentException($"The arguments are not valid JSON: {exception.Message}", nameof(json), exception);
        }
    }

    /// <summary>The canonical form of an already parsed value (the tool catalog's validated arguments).</summary>
    public static string Write(JsonElement element)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false, MaxDepth = MaxDepth + 1 }))
        {
            Write(writer, element);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Whether <paramref name="json"/> is valid JSON already in canonical form.</summary>
    public static bool IsCanonical(string? json)
    {
        if (json is null)
        {
            return false;
        }

        try
        {
            return string.Equals(Canonicalize(json), json, StringComparison.Ordinal);
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static void Write(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject().OrderBy(static p => p.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(property.Name);
                    Write(writer, property.Value);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            case JsonValueKind.String:
                writer.WriteStringValue(element.GetString());
                break;
            default:
                // Numbers, true, false and null: their literal token, which the parser has already validated.
                element.WriteTo(writer);
                break;
        }
    }
}
