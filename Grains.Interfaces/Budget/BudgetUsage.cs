using System.Collections.Immutable;

namespace Platform.Grains.Interfaces.Budget;

/// <summary>A period's spend, grouped; the rows add up to <paramref name="SpentMicros"/>.</summary>
/// <param name="Period">The period (<c>2026-12</c>).</param>
/// <param name="GroupBy">How the rows are grouped.</param>
/// <param name="SpentMicros">The period's settled spend (the ledger's and what is settled but not yet written).</param>
/// <param name="Rows">Days oldest first; keys and models by spend, largest first.</param>
[GenerateSerializer, Immutable, Alias("platform.BudgetUsage")]
public sealed record BudgetUsage(string Period, UsageGrouping GroupBy, long SpentMicros, ImmutableArray<UsageRow> Rows)
{
    /// <summary>The group of spend the ledger does not attribute (runs started without a key, entries older than the field).</summary>
    public const string Unattributed = "unattributed";
}
