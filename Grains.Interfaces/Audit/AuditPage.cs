using System.Collections.Immutable;

namespace Platform.Grains.Interfaces.Audit;

/// <summary>A page of audit entries, oldest first.</summary>
/// <param name="Entries">The entries.</param>
/// <param name="LastSequence">The newest sequence in the whole log (0 when empty), so a reader knows whether more exist.</param>
[GenerateSerializer, Immutable, Alias("platform.AuditPage")]
public sealed record AuditPage(ImmutableArray<AuditEntry> Entries, long LastSequence);
