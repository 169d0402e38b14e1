using Platform.Grains.Interfaces.Budget;

namespace Platform.Grains.Budget;

/// <summary>The embedded default until the message bus exists: thresholds are audited only.</summary>
internal sealed class NoBudgetEvents : IBudgetEvents
{
    public Task ThresholdCrossedAsync(string workspaceId, string period, int percent, BudgetStatus status) => Task.CompletedTask;

    public Task ExhaustedAsync(string workspaceId, string period, BudgetStatus status) => Task.CompletedTask;
}
