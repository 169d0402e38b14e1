using System.Collections.Concurrent;

namespace Platform.Grains.Tests.Audit;

/// <summary>
/// Watches a silo's working set of activations (Orleans tells every registered observer), so a test learns the moment
/// the runtime starts deactivating a grain, by idle collection say, without waiting on the real clock for it.
/// </summary>
public sealed class DeactivationProbe : IActivationWorkingSetObserver
{
    private readonly ConcurrentDictionary<GrainId, TaskCompletionSource> _deactivating = new();

    /// <summary>Completes once an activation of <paramref name="grain"/> has started to deactivate.</summary>
    public Task Deactivating(GrainId grain) => Signal(grain).Task;

    public void OnDeactivating(IActivationWorkingSetMember member)
    {
        if (member is IGrainContext context)
        {
            Signal(context.GrainId).TrySetResult();
        }
    }

    public void OnActive(IActivationWorkingSetMember member)
    {
    }

    public void OnAdded(IActivationWorkingSetMember member)
    {
    }

    public void OnDeactivated(IActivationWorkingSetMember member)
    {
    }

    public void OnEvicted(IActivationWorkingSetMember member)
    {
    }

    public void OnIdle(IActivationWorkingSetMember member)
    {
    }

    private TaskCompletionSource Signal(GrainId grain) =>
        _deactivating.GetOrAdd(grain, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}
