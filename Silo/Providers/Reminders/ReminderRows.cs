namespace Platform.Silo.Reminders;

/// <summary>How both reminder tables turn rows into Orleans' <see cref="ReminderEntry"/> and back.</summary>
internal static class ReminderRows
{
    /// <summary>
    /// Reminders written before the platform ran on Orleans could be one-shot (stored period -1 ms). Orleans has only
    /// periodic reminders; such a row fires at its due time and then every minute until the grain removes it.
    /// </summary>
    public static readonly TimeSpan OneShotReplacement = TimeSpan.FromMinutes(1);

    /// <summary>Orleans' ring position of a grain, stored so each silo reads only the reminders of its range.</summary>
    public static long Hash(GrainId grainId) => grainId.GetUniformHashCode();

    /// <summary>The SQL condition for a ring range, as Orleans defines it: (begin, end], wrapping when begin ≥ end.</summary>
    public static string RangeCondition(uint begin, uint end, string beginParameter, string endParameter) =>
        begin < end
            ? $"grain_hash > {beginParameter} AND grain_hash <= {endParameter}"
            : $"(grain_hash > {beginParameter} OR grain_hash <= {endParameter})";

    public static ReminderEntry ToEntry(string grainType, string grainKey, string name, DateTimeOffset startAt, long periodMilliseconds, long version) => new()
    {
        GrainId = GrainId.Create(grainType, grainKey),
        ReminderName = name,
        StartAt = startAt.UtcDateTime,
        Period = periodMilliseconds < 0 ? OneShotReplacement : TimeSpan.FromMilliseconds(periodMilliseconds),
        ETag = version.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>
    /// The version (ETag) of a newly inserted row: random rather than 1, so a reminder removed and registered again
    /// never gets back an ETag a stale holder still has, which would let that holder remove the new registration.
    /// Updates add one; 2^62 leaves room for any number of them.
    /// </summary>
    public static long FirstVersion() => Random.Shared.NextInt64(1, 1L << 62);

    public static long? ParseVersion(string? etag) =>
        long.TryParse(etag, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var version) ? version : null;
}
