using System.Globalization;
using System.Text.Json;

namespace Platform.Silo.Membership;

/// <summary>How a <see cref="MembershipEntry"/> is kept in a row: silo addresses as Orleans' parsable strings, times in UTC.</summary>
internal static class MembershipRows
{
    /// <summary>The suspicion votes as JSON pairs of the voter's address and the vote's UTC time.</summary>
    public static string EncodeSuspectTimes(List<Tuple<SiloAddress, DateTime>>? votes) =>
        JsonSerializer.Serialize(
            (votes ?? []).Select(static v => new[] { v.Item1.ToParsableString(), Utc(v.Item2).ToString("O", CultureInfo.InvariantCulture) }).ToArray());

    public static List<Tuple<SiloAddress, DateTime>> DecodeSuspectTimes(string json) =>
        [.. (JsonSerializer.Deserialize<string[][]>(json) ?? []).Select(static v => Tuple.Create(
            SiloAddress.FromParsableString(v[0]),
            DateTime.Parse(v[1], CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal)))];

    /// <summary>
    /// When the entry last changed in a way that matters for clean-up: its start, its last I-am-alive or the latest vote
    /// against it (declaring a silo dead is a vote), so a silo declared dead a moment ago is not cleaned up at once.
    /// </summary>
    public static DateTimeOffset UpdatedAt(MembershipEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var latest = Utc(entry.StartTime) > Utc(entry.IAmAliveTime) ? Utc(entry.StartTime) : Utc(entry.IAmAliveTime);
        foreach (var vote in entry.SuspectTimes ?? [])
        {
            if (Utc(vote.Item2) > latest)
            {
                latest = Utc(vote.Item2);
            }
        }

        return new DateTimeOffset(latest);
    }

    /// <summary>Orleans' times are UTC but not always marked so; timestamptz needs the mark.</summary>
    public static DateTime Utc(DateTime time) => time.Kind switch
    {
        DateTimeKind.Utc => time,
        DateTimeKind.Local => time.ToUniversalTime(),
        _ => DateTime.SpecifyKind(time, DateTimeKind.Utc),
    };
}
