using System.Diagnostics;

namespace Platform.Silo.Runtime;

/// <summary>
/// One activation of one grain: its instance, its mailbox and its scheduler.
/// <para>
/// Two rules make a grain single-threaded without the author doing anything. Admission: a request starts only when no
/// other request of this activation is running (unless it may interleave, or this activation is already on its call
/// chain), and waiting requests start in arrival order. Execution: all code of the activation (request starts and the
/// continuations of its awaits, which come back through this <see cref="SynchronizationContext"/>) runs one piece at a
/// time. When the activation is idle, a call runs inline on the caller's thread; otherwise it is queued and a
/// thread-pool work item drains the queue.
/// </para>
/// </summary>
internal sealed class ActivationData : SynchronizationContext, IThreadPoolWorkItem
{
    /// <summary>How many queued items one drain runs before yielding the thread back to the pool (fairness).</summary>
    private const int DrainBatch = 64;

    private static readonly object s_activate = new();
    private static readonly object s_deactivate = new();

    [ThreadStatic]
    private static ActivationData? t_constructing;

    private readonly Lock _lock = new();
    private Queue<GrainCall>? _waiting;
    private Queue<WorkItem>? _ready;
    private List<IGrainStateLoader>? _states;
    private TaskCompletionSource? _deactivated;
    private Grain? _grain;
    private ActivationStatus _status;
    private DeactivationReason? _pendingDeactivation;
    private bool _executing;
    private int _running;
    private long _lastUsed;

    public ActivationData(GrainId grainId, GrainTypeInfo grainType, SiloRuntime runtime)
    {
        GrainId = grainId;
        GrainType = grainType;
        Runtime = runtime;
        _status = ActivationStatus.Activating;
    }

    /// <summary>The activation whose grain constructor is running on this thread; read by <see cref="Grain"/>'s constructor.</summary>
    public static ActivationData? Constructing => t_constructing;

    public GrainId GrainId { get; }

    public GrainTypeInfo GrainType { get; }

    public SiloRuntime Runtime { get; }

    public bool IsInvalid => _status == ActivationStatus.Invalid;

    /// <summary>Completes when the activation has deactivated (or failed to activate).</summary>
    public Task Deactivated
    {
        get
        {
            lock (_lock)
            {
                return _status == ActivationStatus.Invalid ? Task.CompletedTask : (_deactivated ??= new(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
            }
        }
    }

    /// <summary>
    /// Delivers a call. Returns the caller's task, or <see langword="null"/> when this activation has just become invalid
    /// (deactivated between lookup and delivery) and the caller must look the grain up again.
    /// </summary>
    public Task? TryInvoke(GrainMethodInvoker invoker, object?[] arguments, CallChain? callerChain)
    {
        GrainCall? call = null;
        var schedule = false;
        lock (_lock)
        {
            if (_status == ActivationStatus.Invalid)
            {
                return null;
            }

            var admit = CanAdmitOnArrival(invoker, callerChain);
            if (admit && !_executing)
            {
                _executing = true;
                _running++;
            }
            else
            {
                call = invoker.CreateCall(GrainId, arguments, callerChain);
                call.StartTimestamp = Runtime.Metrics.CallDuration.Enabled ? Stopwatch.GetTimestamp() : 0;
                schedule = admit ? AdmitLocked(call) : WaitLocked(call);
            }
        }

        if (call is not null)
        {
            Runtime.TimeoutMonitor.Register(call);
            if (schedule)
            {
                ScheduleDrain();
            }

            return call.CallerTask;
        }

        return RunInline(invoker, arguments, callerChain);
    }

    /// <summary>Delivers a call that was already pending elsewhere (forwarded from a deactivated activation).</summary>
    public bool TryEnqueue(GrainCall call)
    {
        bool schedule;
        lock (_lock)
        {
            if (_status == ActivationStatus.Invalid)
            {
                return false;
            }

            schedule = CanAdmitOnArrival(call.Invoker, call.Chain) ? AdmitLocked(call) : WaitLocked(call);
        }

        if (schedule)
        {
            ScheduleDrain();
        }

        return true;
    }

    /// <summary>Asks the activation to deactivate once no request is running. Idempotent.</summary>
    public void RequestDeactivation(DeactivationReason reason)
    {
        bool schedule;
        lock (_lock)
        {
            if (_status is ActivationStatus.Invalid or ActivationStatus.Deactivating)
            {
                return;
            }

            _pendingDeactivation ??= reason;
            if (_status == ActivationStatus.Valid)
            {
                StartDeactivationIfIdleLocked();
            }

            schedule = ClaimExecutionIfReadyLocked();
        }

        if (schedule)
        {
            ScheduleDrain();
        }
    }

    /// <summary>Starts idle collection if nothing ran since <paramref name="cutoffTimestamp"/> and nothing is queued.</summary>
    public bool TryCollectIfIdleSince(long cutoffTimestamp)
    {
        bool schedule;
        lock (_lock)
        {
            if (_status != ActivationStatus.Valid || _running != 0 || _executing || _waiting is { Count: > 0 } || _lastUsed > cutoffTimestamp)
            {
                return false;
            }

            _pendingDeactivation ??= DeactivationReason.IdleCollection;
            StartDeactivationIfIdleLocked();
            schedule = ClaimExecutionIfReadyLocked();
        }

        if (schedule)
        {
            ScheduleDrain();
        }

        return true;
    }

    /// <summary>Queues the activation step; called once, by the catalog that created this activation.</summary>
    public void BeginActivation()
    {
        bool schedule;
        lock (_lock)
        {
            EnqueueReadyLocked(new WorkItem(null, s_activate));
            schedule = ClaimExecutionIfReadyLocked();
        }

        if (schedule)
        {
            ScheduleDrain();
        }
    }

    /// <summary>Registers persistent state created by the grain's constructor, so it is read before activation completes.</summary>
    public void AddStateLoader(IGrainStateLoader loader) => (_states ??= []).Add(loader);

    /// <inheritdoc />
    public override void Post(SendOrPostCallback d, object? state)
    {
        bool schedule;
        lock (_lock)
        {
            EnqueueReadyLocked(new WorkItem(d, state));
            schedule = ClaimExecutionIfReadyLocked();
        }

        if (schedule)
        {
            ScheduleDrain();
        }
    }

    /// <inheritdoc />
    public override void Send(SendOrPostCallback d, object? state) =>
        throw new NotSupportedException("Synchronous Send into a grain activation would block its turn; use await instead.");

    /// <inheritdoc />
    public override SynchronizationContext CreateCopy() => this;

    /// <inheritdoc />
    public override string ToString() => $"activation of {GrainId}";

    /// <summary>A one-line snapshot of the mailbox, for diagnostics.</summary>
    public string Describe()
    {
        lock (_lock)
        {
            return $"{GrainId} status={_status} running={_running} executing={_executing} waiting={_waiting?.Count ?? 0} ready={_ready?.Count ?? 0} pendingDeactivation={_pendingDeactivation}";
        }
    }

    void IThreadPoolWorkItem.Execute()
    {
        var previous = Current;
        SetSynchronizationContext(this);
        try
        {
            for (var i = 0; i < DrainBatch; i++)
            {
                WorkItem item;
                lock (_lock)
                {
                    if (_ready is null || !_ready.TryDequeue(out item))
                    {
                        _executing = false;
                        return;
                    }
                }

                Run(item);
            }

            // Still holding the execution right: let other activations' work run before this one continues.
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
        finally
        {
            SetSynchronizationContext(previous);
        }
    }

    private Task RunInline(GrainMethodInvoker invoker, object?[] arguments, CallChain? callerChain)
    {
        var start = Runtime.Metrics.CallDuration.Enabled ? Stopwatch.GetTimestamp() : 0;
        var previousContext = Current;
        SetSynchronizationContext(this);
        var (task, link) = InvokeGrain(invoker, arguments, callerChain);
        SetSynchronizationContext(previousContext);

        // Read completion once: the task may complete on a drain thread right after this, and the call must then be
        // finished exactly once, by the continuation registered below.
        var completed = task.IsCompleted;
        bool schedule;
        lock (_lock)
        {
            _executing = false;
            if (completed)
            {
                FinishCallLocked(task, link);
            }

            schedule = ClaimExecutionIfReadyLocked();
        }

        if (schedule)
        {
            ScheduleDrain();
        }

        if (completed)
        {
            Runtime.RecordCall(invoker, start);
            return task;
        }

        var call = invoker.CreateCall(GrainId, arguments, callerChain);
        call.StartTimestamp = start;
        call.Link = link;
        Runtime.TimeoutMonitor.Register(call);
        task.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(() => CompleteCall(call, task));
        return call.CallerTask;
    }

    /// <summary>Runs a grain method under a new link of the call chain; the link is marked finished with the request.</summary>
    private (Task Task, CallChain Link) InvokeGrain(GrainMethodInvoker invoker, object?[] arguments, CallChain? callerChain)
    {
        var previousChain = CallChain.Current;
        var link = new CallChain(this, callerChain);
        CallChain.Current = link;
        try
        {
            return (invoker.Invoke(_grain!, arguments), link);
        }
        catch (Exception exception)
        {
            // A grain method that is not async can throw before returning a task; the caller sees it the same way, as a
            // faulted task of the method's own type (a plain Task would not cast to Task<T> in the proxy).
            return (invoker.Fault(exception), link);
        }
        finally
        {
            CallChain.Current = previousChain;
        }
    }

    private void Run(WorkItem item)
    {
        try
        {
            if (item.Callback is not null)
            {
                item.Callback(item.State);
            }
            else if (item.State is GrainCall call)
            {
                StartCall(call);
            }
            else if (ReferenceEquals(item.State, s_activate))
            {
                ObserveStep(ActivateAsync(), OnActivated);
            }
            else if (ReferenceEquals(item.State, s_deactivate))
            {
                ObserveStep(DeactivateAsync(), OnDeactivated);
            }
        }
        catch (Exception exception)
        {
            Runtime.Log.WorkItemFailed(GrainId, exception);
        }
    }

    private void StartCall(GrainCall call)
    {
        if (call.CallerTask.IsCompleted)
        {
            // The caller gave up (timed out) while the call was queued: running it now would do work nobody awaits,
            // and a retrying caller would see it done twice.
            CompleteCall(call, Task.CompletedTask);
            return;
        }

        var (task, link) = InvokeGrain(call.Invoker, call.Arguments, call.Chain);
        call.Link = link;
        if (task.IsCompleted)
        {
            CompleteCall(call, task);
        }
        else
        {
            task.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(() => CompleteCall(call, task));
        }
    }

    private void CompleteCall(GrainCall call, Task task)
    {
        bool schedule;
        lock (_lock)
        {
            FinishCallLocked(task, call.Link);
            schedule = ClaimExecutionIfReadyLocked();
        }

        if (schedule)
        {
            ScheduleDrain();
        }

        Runtime.TimeoutMonitor.Unregister(call);
        Runtime.RecordCall(call.Invoker, call.StartTimestamp);
        call.CompleteFrom(task);
    }

    private void FinishCallLocked(Task task, CallChain? link)
    {
        // From here on, calls that carry this request's chain (work it started and did not await) queue like any other.
        link?.Finish();
        _running--;
        _lastUsed = Runtime.TimeProvider.GetTimestamp();
        if (task.IsFaulted && task.Exception!.InnerException is InconsistentStateException)
        {
            _pendingDeactivation ??= DeactivationReason.InconsistentState;
        }

        AdmitWaitingLocked();
    }

    private bool CanAdmitOnArrival(GrainMethodInvoker invoker, CallChain? chain)
    {
        if (chain is not null && chain.Contains(this))
        {
            return true;
        }

        if (_status != ActivationStatus.Valid || _pendingDeactivation is not null)
        {
            return false;
        }

        return invoker.AlwaysInterleave || GrainType.IsReentrant || (_running == 0 && _waiting is not { Count: > 0 });
    }

    private bool AdmitLocked(GrainCall call)
    {
        _running++;
        EnqueueReadyLocked(new WorkItem(null, call));
        return ClaimExecutionIfReadyLocked();
    }

    private bool WaitLocked(GrainCall call)
    {
        (_waiting ??= new()).Enqueue(call);
        Runtime.Metrics.QueueLength.Add(1);
        return false;
    }

    /// <summary>Moves waiting calls that may start now to the ready queue, in arrival order, or starts deactivation.</summary>
    private void AdmitWaitingLocked()
    {
        if (_status != ActivationStatus.Valid)
        {
            return;
        }

        if (_pendingDeactivation is not null)
        {
            StartDeactivationIfIdleLocked();
            return;
        }

        while (_waiting is { Count: > 0 })
        {
            var next = _waiting.Peek();
            if (next.CallerTask.IsCompleted)
            {
                // Its caller timed out while it waited: drop it rather than run work nobody awaits.
                _waiting.Dequeue();
                Runtime.Metrics.QueueLength.Add(-1);
                continue;
            }

            if (_running != 0 && !next.Invoker.AlwaysInterleave && !GrainType.IsReentrant)
            {
                break;
            }

            _waiting.Dequeue();
            Runtime.Metrics.QueueLength.Add(-1);
            _running++;
            EnqueueReadyLocked(new WorkItem(null, next));
        }
    }

    private void StartDeactivationIfIdleLocked()
    {
        if (_running == 0)
        {
            _status = ActivationStatus.Deactivating;
            EnqueueReadyLocked(new WorkItem(null, s_deactivate));
        }
    }

    /// <summary>Queues an item. Whoever holds the lock then calls <see cref="ClaimExecutionIfReadyLocked"/> once.</summary>
    private void EnqueueReadyLocked(WorkItem item) => (_ready ??= new()).Enqueue(item);

    /// <summary>Takes the execution right if there is queued work and nobody runs it; the caller must then schedule a drain.</summary>
    private bool ClaimExecutionIfReadyLocked()
    {
        if (_executing || _ready is not { Count: > 0 })
        {
            return false;
        }

        _executing = true;
        return true;
    }

    private void ScheduleDrain() => ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: true);

    private static void ObserveStep(Task step, Action<Task> then)
    {
        if (step.IsCompleted)
        {
            then(step);
        }
        else
        {
            step.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(() => then(step));
        }
    }

    private async Task ActivateAsync()
    {
        t_constructing = this;
        try
        {
            _grain = Runtime.Activator.Create(GrainType, this);
        }
        finally
        {
            t_constructing = null;
        }

        if (_states is not null)
        {
            foreach (var state in _states)
            {
                await state.LoadAsync();
            }
        }

        await _grain.OnActivateAsync(Runtime.StoppingToken);
    }

    private void OnActivated(Task activation)
    {
        if (activation.IsCompletedSuccessfully)
        {
            bool schedule;
            lock (_lock)
            {
                _status = ActivationStatus.Valid;
                _lastUsed = Runtime.TimeProvider.GetTimestamp();
                AdmitWaitingLocked();
                schedule = ClaimExecutionIfReadyLocked();
            }

            Runtime.Metrics.Activations.Add(1, GrainType.MetricTag);
            if (schedule)
            {
                ScheduleDrain();
            }

            return;
        }

        var exception = activation.Exception?.InnerException ?? new TaskCanceledException(activation);
        Runtime.Log.ActivationFailed(GrainId, exception);
        Runtime.Catalog.Remove(this);
        foreach (var call in InvalidateAndTakeWaiting())
        {
            Runtime.TimeoutMonitor.Unregister(call);
            call.TryFail(exception);
        }
    }

    private async Task DeactivateAsync()
    {
        if (_grain is null)
        {
            return;
        }

        var reason = _pendingDeactivation ?? DeactivationReason.ApplicationRequested;
        using var timeout = new CancellationTokenSource(Runtime.Options.DeactivationTimeout, Runtime.TimeProvider);
        try
        {
            await _grain.OnDeactivateAsync(reason, timeout.Token).WaitAsync(Runtime.Options.DeactivationTimeout, Runtime.TimeProvider);
        }
        catch (Exception exception)
        {
            // A failing or slow OnDeactivateAsync must not keep the activation (and its queued callers) alive.
            Runtime.Log.DeactivationFailed(GrainId, reason, exception);
        }
    }

    private void OnDeactivated(Task deactivation)
    {
        Runtime.Catalog.Remove(this);
        Runtime.Metrics.Activations.Add(-1, GrainType.MetricTag);
        foreach (var call in InvalidateAndTakeWaiting())
        {
            // Calls that arrived while this activation was going are delivered to its successor.
            Runtime.Forward(call);
        }
    }

    private List<GrainCall> InvalidateAndTakeWaiting()
    {
        List<GrainCall> waiting;
        TaskCompletionSource? deactivated;
        lock (_lock)
        {
            _status = ActivationStatus.Invalid;
            waiting = _waiting is { Count: > 0 } ? [.. _waiting] : [];
            if (waiting.Count > 0)
            {
                Runtime.Metrics.QueueLength.Add(-waiting.Count);
            }

            _waiting = null;
            deactivated = _deactivated;
        }

        deactivated?.TrySetResult();
        return waiting;
    }

    private readonly record struct WorkItem(SendOrPostCallback? Callback, object? State);
}
