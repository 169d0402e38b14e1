using Platform.Grains.Interfaces.Budget;

namespace Platform.Grains.Budget;

/// <summary>
/// Where a budget announces a crossed threshold beyond its own audit log. The default does nothing; the message bus
/// replaces it (registered before <see cref="BudgetServiceCollectionExtensions.AddBudget"/>). Calls run inside the
/// budget grain's turn, so an implementation should hand the event off (enqueue, publish) rather than wait on consumers.
/// </summary>
public interface IBudgetEvents
{
    /// <summary>Spend reached <paramref name="percent"/> (50, 75 or 90) of the cap for the first time in <paramref name="period"/>.</summary>
    Task ThresholdCrossedAsync(string workspaceId, string period, int percent, BudgetStatus status);

    /// <summary>Spent + reserved reached the cap for the first time in <paramref name="period"/>: new reservations are refused.</summary>
    Task ExhaustedAsync(string workspaceId, string period, BudgetStatus status);
}
