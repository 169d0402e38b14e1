using Platform.Silo;
using Platform.Silo.Journal;

namespace Platform.Grains.Tests.Budget;

/// <summary>
/// A journal that lets a test see and steer ledger writes: it counts appends to <c>ledger/</c> streams, can hold them
/// (the write is in flight) and then let them through or fail them, as a process that dies before its write reaches
/// storage would. Other streams (the audit log) pass straight through.
/// </summary>
internal sealed class LedgerGate(IJournalStorage inner) : IJournalStorage
{
    private readonly Lock _lock = new();
    private TaskCompletionSource? _gate;
    private TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Exception? _failure;
    private int _appends;
    private int _failNext;
    private Exception? _failNextWith;
    private bool _storeFirst;

    /// <summary>Ledger appends asked for so far, whether they got through or not.</summary>
    public int LedgerAppends => Volatile.Read(ref _appends);

    /// <summary>Completes once a ledger append is waiting at the gate after <see cref="Hold"/>.</summary>
    public Task Held
    {
        get
        {
            lock (_lock)
            {
                return _held.Task;
            }
        }
    }

    /// <summary>Makes ledger appends wait until <see cref="Release"/> or <see cref="Fail"/>.</summary>
    public void Hold()
    {
        lock (_lock)
        {
            _gate ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    /// <summary>Lets held and later ledger appends through.</summary>
    public void Release()
    {
        TaskCompletionSource? gate;
        lock (_lock)
        {
            (gate, _gate) = (_gate, null);
        }

        gate?.TrySetResult();
    }

    /// <summary>Fails held and every later ledger append with <paramref name="failure"/>; none of them reaches storage.</summary>
    public void Fail(Exception failure)
    {
        TaskCompletionSource? gate;
        lock (_lock)
        {
            _failure = failure;
            (gate, _gate) = (_gate, null);
        }

        gate?.TrySetException(failure);
    }

    /// <summary>
    /// Fails the next <paramref name="count"/> ledger appends with <paramref name="failure"/>, as storage that is away for
    /// a moment does; with <paramref name="storeFirst"/> the first of them is stored before it fails (an answer lost on the
    /// way back). Later appends go through.
    /// </summary>
    public void FailNext(int count, Exception failure, bool storeFirst = false)
    {
        lock (_lock)
        {
            (_failNext, _failNextWith, _storeFirst) = (count, failure, storeFirst);
        }
    }

    public async Task<long> AppendAsync(string stream, long expectedLastSequence, IReadOnlyList<ReadOnlyMemory<byte>> entries, CancellationToken cancellationToken = default)
    {
        if (!stream.StartsWith("ledger/", StringComparison.Ordinal))
        {
            return await inner.AppendAsync(stream, expectedLastSequence, entries, cancellationToken);
        }

        Interlocked.Increment(ref _appends);
        Task? gate;
        Exception? failNow = null;
        var storeNow = false;
        lock (_lock)
        {
            if (_failure is not null)
            {
                throw _failure;
            }

            if (_failNext > 0)
            {
                _failNext--;
                (failNow, storeNow, _storeFirst) = (_failNextWith, _storeFirst, false);
            }
        }

        if (failNow is not null)
        {
            if (storeNow)
            {
                await inner.AppendAsync(stream, expectedLastSequence, entries, cancellationToken);
            }

            throw failNow;
        }

        lock (_lock)
        {
            gate = _gate?.Task;
            if (gate is not null)
            {
                _held.TrySetResult();
            }
        }

        if (gate is not null)
        {
            await gate;
        }

        return await inner.AppendAsync(stream, expectedLastSequence, entries, cancellationToken);
    }

    public Task<IReadOnlyList<JournalEntry>> ReadAsync(string stream, long afterSequence, int limit, CancellationToken cancellationToken = default) =>
        inner.ReadAsync(stream, afterSequence, limit, cancellationToken);

    public Task<long> GetLastSequenceAsync(string stream, CancellationToken cancellationToken = default) =>
        inner.GetLastSequenceAsync(stream, cancellationToken);

    public Task DeleteStreamAsync(string stream, CancellationToken cancellationToken = default) =>
        inner.DeleteStreamAsync(stream, cancellationToken);

    /// <summary>The failure a crashed process's storage reports to whatever was still waiting on it.</summary>
    /// <remarks>Not a <see cref="StorageUnavailableException"/>: the ledger retries those, and a crashed process retries nothing.</remarks>
    public static InvalidOperationException Crash() => new("simulated crash: the write never reached storage");
}
