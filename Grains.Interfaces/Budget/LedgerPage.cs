using System.Collections.Immutable;

namespace Platform.Grains.Interfaces.Budget;

/// <summary>A page of the ledger.</summary>
/// <param name="Entries">The entries, oldest first.</param>
/// <param name="LastSequence">The newest sequence in the ledger.</param>
[GenerateSerializer, Immutable, Alias("platform.LedgerPage")]
public sealed record LedgerPage(ImmutableArray<LedgerEntry> Entries, long LastSequence);
