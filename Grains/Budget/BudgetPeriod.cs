using System.Globalization;

namespace Platform.Grains.Budget;

/// <summary>Budget periods are calendar months in UTC, named <c>yyyy-MM</c> so that ordinal order is time order.</summary>
internal static class BudgetPeriod
{
    public static string Of(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    /// <summary>Whether <paramref name="period"/> comes after <paramref name="than"/>.</summary>
    public static bool IsLater(string period, string than) => string.CompareOrdinal(period, than) > 0;
}
