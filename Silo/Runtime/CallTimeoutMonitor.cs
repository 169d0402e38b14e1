namespace Platform.Silo.Runtime;

/// <summary>
/// Fails callers whose call did not complete within the call timeout, without a timer per call: every pending call gets
/// the same timeout, so registration order is deadline order and one periodic sweep only looks at the expired head.
/// Only calls that could not finish on the caller's thread are registered, so the fast path never touches this.
/// </summary>
internal sealed class CallTimeoutMonitor : IDisposable
{
    private readonly LinkedList<GrainCall> _pending = new();
    private readonly Lock _lock = new();
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _timeout;
    private readonly long _timeoutTicks;
    private readonly ITimer _timer;

    public CallTimeoutMonitor(TimeProvider timeProvider, TimeSpan timeout)
    {
        _timeProvider = timeProvider;
        _timeout = timeout;
        _timeoutTicks = (long)(timeout.TotalSeconds * timeProvider.TimestampFrequency);
        var sweep = TimeSpan.FromTicks(Math.Clamp(timeout.Ticks / 10, TimeSpan.TicksPerMillisecond * 10, TimeSpan.TicksPerSecond));
        _timer = timeProvider.CreateTimer(static state => ((CallTimeoutMonitor)state!).Sweep(), this, sweep, sweep);
    }

    public int PendingCount
    {
        get
        {
            lock (_lock)
            {
                return _pending.Count;
            }
        }
    }

    public void Register(GrainCall call)
    {
        call.Deadline = _timeProvider.GetTimestamp() + _timeoutTicks;
        lock (_lock)
        {
            call.TimeoutNode = _pending.AddLast(call);
        }
    }

    public void Unregister(GrainCall call)
    {
        lock (_lock)
        {
            if (call.TimeoutNode is { } node)
            {
                _pending.Remove(node);
                call.TimeoutNode = null;
            }
        }
    }

    public void Sweep()
    {
        var now = _timeProvider.GetTimestamp();
        List<GrainCall>? expired = null;
        lock (_lock)
        {
            while (_pending.First is { } first && first.Value.Deadline <= now)
            {
                _pending.RemoveFirst();
                first.Value.TimeoutNode = null;
                (expired ??= []).Add(first.Value);
            }
        }

        if (expired is null)
        {
            return;
        }

        foreach (var call in expired)
        {
            call.TryFail(new TimeoutException($"Call to {call.Invoker.DisplayName} on grain {call.Target} timed out after {_timeout}."));
        }
    }

    public void Dispose() => _timer.Dispose();
}
