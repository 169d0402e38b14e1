using System.Collections.Immutable;

namespace Platform.Grains.Interfaces.Audit;

/// <summary>A stored audit entry.</summary>
/// <param name="Sequence">1, 2, 3, … with no gaps within a workspace.</param>
/// <param name="At">When it was appended (UTC).</param>
/// <param name="Kind">See <see cref="AuditRecord.Kind"/>.</param>
/// <param name="Actor">See <see cref="AuditRecord.Actor"/>.</param>
/// <param name="Summary">See <see cref="AuditRecord.Summary"/>.</param>
/// <param name="Details">See <see cref="AuditRecord.Details"/>.</param>
/// <param name="PreviousHash">The <paramref name="Hash"/> of entry <c>Sequence - 1</c> (64 zeros for the first).</param>
/// <param name="Hash">Lower-case hex SHA-256 over the canonical form of this entry, including <paramref name="PreviousHash"/>.</param>
[GenerateSerializer, Immutable, Alias("platform.AuditEntry")]
public sealed record AuditEntry(
    long Sequence,
    DateTimeOffset At,
    string Kind,
    string Actor,
    string Summary,
    ImmutableSortedDictionary<string, string> Details,
    string PreviousHash,
    string Hash);
