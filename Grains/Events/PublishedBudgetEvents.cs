using Platform.Grains.Budget;
using Platform.Grains.Interfaces.Budget;
using Platform.Grains.Interfaces.Events;

namespace Platform.Grains.Events;

/// <summary>Announces the budget's threshold crossings and exhaustion on the platform's event bus.</summary>
public sealed class PublishedBudgetEvents(IPlatformEvents events, TimeProvider time) : IBudgetEvents
{
    /// <inheritdoc />
    public Task ThresholdCrossedAsync(string workspaceId, string period, int percent, BudgetStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        return events.PublishAsync(new BudgetThresholdCrossed(workspaceId, period, percent, status.SpentMicros, status.CapMicros, time.GetUtcNow()), CancellationToken.None);
    }

    /// <inheritdoc />
    public Task ExhaustedAsync(string workspaceId, string period, BudgetStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        return events.PublishAsync(new BudgetExhausted(workspaceId, period, status.SpentMicros, status.CapMicros, time.GetUtcNow()), CancellationToken.None);
    }
}
