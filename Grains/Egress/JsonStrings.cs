using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Platform.Grains.Egress;

/// <summary>
/// The string values of a JSON document, which is what a scan of outgoing content should read (a JSON writer may
/// escape characters a pattern looks for), and a rewrite of them that keeps everything else as it was.
/// </summary>
public static class JsonStrings
{
    private static readonly JsonDocumentOptions s_options = new() { MaxDepth = 64 };

    /// <summary>Every string value and property name of <paramref name="json"/>, one per line.</summary>
    public static string Text(string json)
    {
        using var document = JsonDocument.Parse(json, s_options);
        var text = new StringBuilder();
        Collect(document.RootElement, text, 0);
        return text.ToString();
    }

    /// <summary>Every string value of <paramref name="json"/> (not property names), decoded.</summary>
    public static List<string> Values(string json)
    {
        using var document = JsonDocument.Parse(json, s_options);
        var values = new List<string>();
        Gather(document.RootElement, values);
        return values;
    }

    /// <summary><paramref name="json"/> with every string value passed through <paramref name="map"/>.</summary>
    public static string Map(string json, Func<string, string> map)
    {
        ArgumentNullException.ThrowIfNull(map);
        using var document = JsonDocument.Parse(json, s_options);
        var buffer = new ArrayBufferWriter<byte>(json.Length + 64);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(document.RootElement, writer, map);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>How deep JSON inside JSON strings is decoded.</summary>
    private const int MaxNesting = 3;

    private static JsonDocument? TryParse(string json)
    {
        try
        {
            return JsonDocument.Parse(json, s_options);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static void Collect(JsonElement element, StringBuilder text, int depth)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                var value = element.GetString()!;
                text.Append(value).Append('\n');

                // A string that is itself JSON (a webhook body, say) is decoded as the receiver will decode it.
                if (depth < MaxNesting && value.Length > 1 && value.TrimStart() is ['{' or '[', ..] && TryParse(value) is { } nested)
                {
                    using (nested)
                    {
                        Collect(nested.RootElement, text, depth + 1);
                    }
                }

                break;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    text.Append(property.Name).Append('\n');
                    Collect(property.Value, text, depth);
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    Collect(item, text, depth);
                }

                break;
            default:
                text.Append(element.GetRawText()).Append('\n');
                break;
        }
    }

    private static void Gather(JsonElement element, List<string> values)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                values.Add(element.GetString()!);
                break;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    Gather(property.Value, values);
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    Gather(item, values);
                }

                break;
        }
    }

    private static void Write(JsonElement element, Utf8JsonWriter writer, Func<string, string> map)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                writer.WriteStringValue(map(element.GetString()!));
                break;
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject())
                {
                    writer.WritePropertyName(property.Name);
                    Write(property.Value, writer, map);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    Write(item, writer, map);
                }

                writer.WriteEndArray();
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }
}
