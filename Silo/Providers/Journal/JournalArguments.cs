namespace Platform.Silo.Journal;

/// <summary>The checks and the conflict every journal provider shares, so both refuse exactly the same calls.</summary>
internal static class JournalArguments
{
    /// <summary>The longest stream name; generous for <c>audit/{workspace id}</c> with a 256-character key.</summary>
    public const int MaxStreamLength = 1024;

    /// <summary>The most entries one read may ask for, so one call cannot pull a whole stream into memory.</summary>
    public const int MaxReadLimit = 10_000;

    public static void ValidateStream(string stream)
    {
        ArgumentException.ThrowIfNullOrEmpty(stream);
        if (stream.Length > MaxStreamLength)
        {
            throw new ArgumentException($"A journal stream name is at most {MaxStreamLength} characters; this one has {stream.Length}.", nameof(stream));
        }
    }

    public static void ValidateAppend(string stream, long expectedLastSequence, IReadOnlyList<ReadOnlyMemory<byte>> entries)
    {
        ValidateStream(stream);
        ArgumentOutOfRangeException.ThrowIfNegative(expectedLastSequence);
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0)
        {
            throw new ArgumentException("An append needs at least one entry.", nameof(entries));
        }
    }

    public static void ValidateRead(string stream, long afterSequence, int limit)
    {
        ValidateStream(stream);
        ArgumentOutOfRangeException.ThrowIfNegative(afterSequence);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxReadLimit);
    }

    /// <summary>Copies the entries out of the caller's buffers, which it may reuse while the append waits for its commit.</summary>
    public static byte[][] Copy(IReadOnlyList<ReadOnlyMemory<byte>> entries)
    {
        var copies = new byte[entries.Count][];
        for (var i = 0; i < entries.Count; i++)
        {
            copies[i] = entries[i].ToArray();
        }

        return copies;
    }

    public static InconsistentStateException Conflict(string stream, long expectedLastSequence, long? storedLastSequence) =>
        new(
            storedLastSequence is { } stored
                ? $"Journal stream '{stream}' was extended by another writer: expected last sequence {expectedLastSequence}, storage has {stored}."
                : $"Journal stream '{stream}' was extended by another writer: expected last sequence {expectedLastSequence}.",
            storedLastSequence?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "",
            expectedLastSequence.ToString(System.Globalization.CultureInfo.InvariantCulture));

    // The store's own exception (a duplicate key) is left out: this one crosses to callers on other silos and clients,
    // which Orleans can serialize only for exceptions it has a codec for, and it has none for Npgsql's.
    public static InconsistentStateException Conflict(string stream, long expectedLastSequence) =>
        new($"Journal stream '{stream}' was extended by another writer: expected last sequence {expectedLastSequence}.");
}
