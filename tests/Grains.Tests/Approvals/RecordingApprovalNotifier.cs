using System.Collections.Concurrent;
using Platform.Grains.Approvals;
using Platform.Grains.Interfaces.Approvals;

namespace Platform.Grains.Tests.Approvals;

/// <summary>Stands in for the agent-run grain: records every notification and lets a test await the first one.</summary>
public sealed class RecordingApprovalNotifier : IApprovalNotifier
{
    private readonly TaskCompletionSource<ApprovalView> _first = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ConcurrentQueue<ApprovalView> Notified { get; } = new();

    public Task<ApprovalView> First => _first.Task;

    public Task DecidedAsync(string workspaceId, ApprovalView approval)
    {
        Notified.Enqueue(approval);
        _first.TrySetResult(approval);
        return Task.CompletedTask;
    }
}
