using Microsoft.Extensions.DependencyInjection;

using Platform.Silo.Journal;

namespace Platform.Grains.Tests.Audit;

/// <summary>
/// Wraps the real journal so a test can count calls and hold appends or last-sequence reads (what an audit log asks
/// first when it loads its tip) at a gate: a held call waits until the test releases it, then goes through, fails before
/// storing, or is stored and still fails (a lost acknowledgement). Batching, reads during a flush, flush failures and
/// concurrent first calls thus happen at a point the test chooses, without sleeping.
/// </summary>
public sealed class ControlledJournal(IJournalStorage inner) : IJournalStorage
{
    private readonly Lock _lock = new();
    private readonly List<int> _appends = [];
    private readonly Gate _appendGate = new();
    private readonly Gate _lastSequenceGate = new();
    private int _lastSequenceReads;

    /// <summary>The entry count of every append asked of this journal, in order.</summary>
    public IReadOnlyList<int> Appends
    {
        get
        {
            lock (_lock)
            {
                return [.. _appends];
            }
        }
    }

    /// <summary>How many last-sequence reads were asked of this journal.</summary>
    public int LastSequenceReads => Volatile.Read(ref _lastSequenceReads);

    /// <summary>Completes once an append waits at the gate set by <see cref="Hold"/>.</summary>
    public Task Reached => _appendGate.Reached;

    /// <summary>Completes once a last-sequence read waits at the gate set by <see cref="HoldLastSequenceReads"/>.</summary>
    public Task LastSequenceReadReached => _lastSequenceGate.Reached;

    /// <summary>Replaces the <see cref="IJournalStorage"/> registered so far with one wrapping it.</summary>
    public static void Decorate(IServiceCollection services)
    {
        var registered = services.Last(static d => d.ServiceType == typeof(IJournalStorage));
        services.Remove(registered);
        services.AddSingleton<IJournalStorage>(sp => new ControlledJournal(
            (IJournalStorage)(registered.ImplementationInstance
                ?? registered.ImplementationFactory?.Invoke(sp)
                ?? ActivatorUtilities.CreateInstance(sp, registered.ImplementationType!))));
    }

    /// <summary>Makes appends from now on wait until <see cref="Release"/> or <see cref="Fail"/>.</summary>
    public void Hold() => _appendGate.Close();

    /// <summary>Lets the held appends through, and later ones pass freely.</summary>
    public void Release() => _appendGate.Open(null, storeFirst: false);

    /// <summary>Fails the held appends with <paramref name="error"/>, after storing them when <paramref name="storeFirst"/>; later ones pass freely.</summary>
    public void Fail(Exception error, bool storeFirst) => _appendGate.Open(error, storeFirst);

    /// <summary>Makes last-sequence reads from now on wait until <see cref="ReleaseLastSequenceReads"/>.</summary>
    public void HoldLastSequenceReads() => _lastSequenceGate.Close();

    /// <summary>Lets the held last-sequence reads through, and later ones pass freely.</summary>
    public void ReleaseLastSequenceReads() => _lastSequenceGate.Open(null, storeFirst: false);

    /// <inheritdoc />
    public async Task<long> AppendAsync(string stream, long expectedLastSequence, IReadOnlyList<ReadOnlyMemory<byte>> entries, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            _appends.Add(entries.Count);
        }

        var (error, storeFirst) = await _appendGate.PassAsync();
        if (error is null)
        {
            return await inner.AppendAsync(stream, expectedLastSequence, entries, cancellationToken);
        }

        if (storeFirst)
        {
            await inner.AppendAsync(stream, expectedLastSequence, entries, cancellationToken);
        }

        throw error;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<JournalEntry>> ReadAsync(string stream, long afterSequence, int limit, CancellationToken cancellationToken = default) =>
        inner.ReadAsync(stream, afterSequence, limit, cancellationToken);

    /// <inheritdoc />
    public async Task<long> GetLastSequenceAsync(string stream, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _lastSequenceReads);
        await _lastSequenceGate.PassAsync();
        return await inner.GetLastSequenceAsync(stream, cancellationToken);
    }

    /// <inheritdoc />
    public Task DeleteStreamAsync(string stream, CancellationToken cancellationToken = default) =>
        inner.DeleteStreamAsync(stream, cancellationToken);

    /// <summary>Where calls of one kind wait while the test holds them, and learn how to go on once it lets them pass.</summary>
    private sealed class Gate
    {
        private readonly Lock _lock = new();
        private TaskCompletionSource<(Exception? Error, bool StoreFirst)>? _closed;
        private TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Reached
        {
            get
            {
                lock (_lock)
                {
                    return _reached.Task;
                }
            }
        }

        public void Close()
        {
            lock (_lock)
            {
                _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
                _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }

        public void Open(Exception? error, bool storeFirst)
        {
            TaskCompletionSource<(Exception? Error, bool StoreFirst)>? closed;
            lock (_lock)
            {
                closed = _closed;
                _closed = null;
            }

            closed?.SetResult((error, storeFirst));
        }

        public Task<(Exception? Error, bool StoreFirst)> PassAsync()
        {
            lock (_lock)
            {
                if (_closed is null)
                {
                    return Task.FromResult<(Exception?, bool)>((null, false));
                }

                _reached.TrySetResult();
                return _closed.Task;
            }
        }
    }
}
