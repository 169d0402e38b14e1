using System.Collections.Immutable;
using System.Globalization;

using Platform.Grains.Interfaces.Budget;

namespace Platform.Grains.Budget;

/// <summary>
/// One period's spend summed by UTC day, by API key and by model, kept by the budget's activation once someone asks:
/// built from the ledger once, then added to at every settle, so a report costs a scan of the ledger per activation,
/// not per request. Not thread-safe: only the activation's single-threaded context uses it.
/// </summary>
internal sealed class UsageBook(string period)
{
    private readonly Dictionary<string, (long Micros, long Calls)> _byDay = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (long Micros, long Calls)> _byKey = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (long Micros, long Calls)> _byModel = new(StringComparer.Ordinal);
    private long _total;

    public string Period { get; } = period;

    /// <summary>Counts <paramref name="entry"/> if it is of this period.</summary>
    public void Add(LedgerEntry entry)
    {
        if (!string.Equals(entry.Period, Period, StringComparison.Ordinal))
        {
            return;
        }

        _total += entry.AmountMicros;
        Count(_byDay, entry.At.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), entry.AmountMicros);
        Count(_byKey, entry.KeyId ?? BudgetUsage.Unattributed, entry.AmountMicros);
        Count(_byModel, entry.Model ?? BudgetUsage.Unattributed, entry.AmountMicros);
    }

    public BudgetUsage Report(UsageGrouping groupBy)
    {
        var rows = groupBy switch
        {
            UsageGrouping.Day => _byDay.OrderBy(static g => g.Key, StringComparer.Ordinal),
            UsageGrouping.Key => BySpend(_byKey),
            UsageGrouping.Model => BySpend(_byModel),
            _ => throw new ArgumentOutOfRangeException(nameof(groupBy), groupBy, "Usage is grouped by day, key or model."),
        };
        return new BudgetUsage(Period, groupBy, _total, [.. rows.Select(static g => new UsageRow(g.Key, g.Value.Micros, g.Value.Calls))]);
    }

    private static IOrderedEnumerable<KeyValuePair<string, (long Micros, long Calls)>> BySpend(Dictionary<string, (long Micros, long Calls)> groups) =>
        groups.OrderByDescending(static g => g.Value.Micros).ThenBy(static g => g.Key, StringComparer.Ordinal);

    private static void Count(Dictionary<string, (long Micros, long Calls)> groups, string group, long micros)
    {
        var (sum, calls) = groups.GetValueOrDefault(group);
        groups[group] = (sum + micros, calls + 1);
    }
}
