using System.Text.Json;

using Platform.Grains.Interfaces.Budget;

namespace Platform.Grains.Budget;

/// <summary>The stored payload of a ledger entry: JSON of the whole <see cref="LedgerEntry"/>, readable on its own.</summary>
internal static class LedgerEntryCodec
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static byte[] Encode(LedgerEntry entry) => JsonSerializer.SerializeToUtf8Bytes(entry, Options);

    /// <summary>Reads a stored payload; its place in the journal, not its content, decides the sequence.</summary>
    public static LedgerEntry Decode(long sequence, byte[] payload)
    {
        LedgerEntry? entry;
        try
        {
            entry = JsonSerializer.Deserialize<LedgerEntry>(payload, Options);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"Ledger entry {sequence} is not readable: {ex.Message}", ex);
        }

        if (entry is null || entry.Period is null || entry.ReservationId is null || entry.Purpose is null || entry.AmountMicros < 0)
        {
            throw new InvalidDataException($"Ledger entry {sequence} is incomplete.");
        }

        return entry with { Sequence = sequence };
    }
}
