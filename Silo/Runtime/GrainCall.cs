namespace Platform.Silo.Runtime;

/// <summary>
/// A call that could not complete on the caller's thread: it waits in an activation's queue or for the grain's task.
/// It owns the caller's task, which the runtime completes with the grain's outcome, or fails when the call times out
/// or the target cannot be activated. Continuations run asynchronously so a caller never runs on a grain's turn.
/// </summary>
internal abstract class GrainCall(GrainMethodInvoker invoker, GrainId target, object?[] arguments, CallChain? chain)
{
    public GrainMethodInvoker Invoker { get; } = invoker;

    public GrainId Target { get; } = target;

    public object?[] Arguments { get; } = arguments;

    public CallChain? Chain { get; } = chain;

    /// <summary>The call-chain link of the request once it runs, marked finished when it completes.</summary>
    public CallChain? Link { get; set; }

    /// <summary>Set while registered with the timeout monitor: when the caller gives up (a timestamp of the silo's TimeProvider).</summary>
    public long Deadline { get; set; }

    /// <summary>When the call arrived (a <see cref="System.Diagnostics.Stopwatch"/> timestamp), or 0 when latency is not being recorded.</summary>
    public long StartTimestamp { get; set; }

    /// <summary>The timeout monitor's bookkeeping slot, so removal is O(1).</summary>
    public LinkedListNode<GrainCall>? TimeoutNode { get; set; }

    /// <summary>The task handed to the caller.</summary>
    public abstract Task CallerTask { get; }

    /// <summary>Completes the caller's task from the grain's completed task, preserving the exception's type.</summary>
    public abstract void CompleteFrom(Task grainTask);

    /// <summary>Fails the caller's task unless it already completed.</summary>
    public abstract bool TryFail(Exception exception);

    protected static Exception[] ExceptionsOf(Task faulted) =>
        faulted.IsCanceled ? [new TaskCanceledException(faulted)] : [.. faulted.Exception!.InnerExceptions];
}
