using System.Collections.Concurrent;
using Platform.Grains.Events;

namespace Platform.Testing;

/// <summary>
/// Records what the platform publishes, in place of the bus, so a test can check which events a flow raised. Grains
/// publish from their outbox off their turn, a moment after the call that recorded the event returns, so tests wait
/// for what they expect (<see cref="WaitForAsync{T}"/>) rather than reading the list at once. It can be told to refuse
/// (a broker that is down) and to accept again.
/// </summary>
public sealed class RecordingPlatformEvents : IPlatformEvents
{
    private readonly ConcurrentQueue<(Guid Id, object Event)> _published = new();
    private readonly Lock _lock = new();
    private TaskCompletionSource _changed = NewSignal();
    private readonly List<Guid> _refused = [];
    private volatile bool _refusing;

    /// <summary>Every event published, in order (repeats included).</summary>
    public IReadOnlyList<object> Published => [.. _published.Select(static p => p.Event)];

    /// <summary>The message ids of <see cref="Published"/>, in the same order.</summary>
    public IReadOnlyList<Guid> EventIds => [.. _published.Select(static p => p.Id)];

    /// <summary>The message ids of the publish attempts refused, in order.</summary>
    public IReadOnlyList<Guid> RefusedIds
    {
        get
        {
            lock (_lock)
            {
                return [.. _refused];
            }
        }
    }

    /// <summary>From now on every publish fails as a broker that is down does, until <see cref="Accept"/>.</summary>
    public void Refuse() => _refusing = true;

    /// <summary>Publishes succeed again.</summary>
    public void Accept() => _refusing = false;

    public Task PublishAsync(Guid eventId, object platformEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(platformEvent);
        var refusing = _refusing;
        TaskCompletionSource changed;
        lock (_lock)
        {
            if (refusing)
            {
                _refused.Add(eventId);
            }
            else
            {
                _published.Enqueue((eventId, platformEvent));
            }

            changed = _changed;
            _changed = NewSignal();
        }

        changed.SetResult();
        return refusing
            ? Task.FromException(new TimeoutException("The broker did not confirm (the test refuses every publish)."))
            : Task.CompletedTask;
    }

    /// <summary>Waits (at most 30 s) until at least <paramref name="count"/> publish attempts were refused.</summary>
    public async Task WaitForRefusalsAsync(int count = 1)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                if (_refused.Count >= count)
                {
                    return;
                }

                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Waited 30 s for {count} refused publish attempt(s); {RefusedIds.Count} happened.");
            }
        }
    }

    /// <summary>Waits (at most 30 s) until at least <paramref name="count"/> events of type <typeparamref name="T"/> matching <paramref name="match"/> were published.</summary>
    public async Task<IReadOnlyList<T>> WaitForAsync<T>(int count = 1, Func<T, bool>? match = null)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                changed = _changed.Task;
            }

            var found = Published.OfType<T>().Where(e => match?.Invoke(e) ?? true).ToList();
            if (found.Count >= count)
            {
                return found;
            }

            try
            {
                await changed.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Waited 30 s for {count} {typeof(T).Name} event(s); {found.Count} arrived. Published: {string.Join(", ", Published.Select(static e => e.GetType().Name))}.");
            }
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
