using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;

using Platform.Grains.Interfaces.Audit;

namespace Platform.Grains.Audit;

/// <summary>
/// The stored payload of an audit entry: JSON of the whole entry, hashes included, so one row is readable on its own.
/// The hash is never computed from these bytes (see <see cref="AuditChain"/>), so how the writer escapes text does not matter.
/// </summary>
internal static class AuditEntryCodec
{
    public static byte[] Encode(AuditEntry entry)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("sequence", entry.Sequence);
            json.WriteString("at", AuditChain.FormatTime(entry.At));
            json.WriteString("kind", entry.Kind);
            json.WriteString("actor", entry.Actor);
            json.WriteString("summary", entry.Summary);
            json.WriteStartObject("details");
            foreach (var (key, value) in entry.Details)
            {
                json.WriteString(key, value);
            }

            json.WriteEndObject();
            json.WriteString("previousHash", entry.PreviousHash);
            json.WriteString("hash", entry.Hash);
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>Reads a stored payload; anything but a complete entry is an <see cref="InvalidDataException"/>.</summary>
    public static AuditEntry Decode(byte[] payload)
    {
        try
        {
            using var document = JsonDocument.Parse(payload);
            var root = document.RootElement;
            var details = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
            foreach (var detail in root.GetProperty("details").EnumerateObject())
            {
                // A repeated key would let the stored text say two things while the hash covers one of them.
                if (!details.TryAdd(detail.Name, detail.Value.GetString() ?? throw new InvalidDataException($"Detail '{detail.Name}' is null.")))
                {
                    throw new InvalidDataException($"Detail '{detail.Name}' appears twice.");
                }
            }

            return new AuditEntry(
                root.GetProperty("sequence").GetInt64(),
                DateTimeOffset.ParseExact(Text(root, "at"), AuditChain.TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
                Text(root, "kind"),
                Text(root, "actor"),
                Text(root, "summary"),
                details.ToImmutable(),
                Text(root, "previousHash"),
                Text(root, "hash"));
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or KeyNotFoundException or ArgumentException)
        {
            throw new InvalidDataException("The stored audit entry is not readable: " + ex.Message, ex);
        }
    }

    private static string Text(JsonElement root, string name) =>
        root.GetProperty(name).GetString() ?? throw new InvalidDataException($"Property '{name}' is null.");
}
