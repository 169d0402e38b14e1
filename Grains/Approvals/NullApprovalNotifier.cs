using Platform.Grains.Interfaces.Approvals;

namespace Platform.Grains.Approvals;

/// <summary>The default until the agent-run grain registers its own notifier: nothing waits yet.</summary>
public sealed class NullApprovalNotifier : IApprovalNotifier
{
    /// <inheritdoc />
    public Task DecidedAsync(string workspaceId, ApprovalView approval) => Task.CompletedTask;
}
