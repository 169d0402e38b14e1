using Platform.Grains.Interfaces.Budget;

namespace Platform.Grains.Budget;

/// <summary>
/// Settled spend that is not in the ledger yet: entries queued for the next write and the batch being written, in settle
/// order. Their amounts count as spent from the moment they are added (caps and thresholds must not wait for storage)
/// until the grain has applied the written batch to its totals, in the same step that removes them here.
/// Not thread-safe: only the activation's single-threaded context uses it.
/// </summary>
internal sealed class PendingLedger
{
    private readonly Dictionary<string, long> _byPeriod = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _byRun = new(StringComparer.Ordinal);
    private List<LedgerEntry> _queued = [];
    private List<LedgerEntry> _writing = [];

    // Created only when a durable settle waits, so a failed batch nobody waits for leaves no unobserved faulted task.
    private TaskCompletionSource? _queuedWritten;
    private TaskCompletionSource? _writingWritten;

    public int QueuedCount => _queued.Count;

    /// <summary>Every entry not yet in the ledger, the batch being written first, in settle order.</summary>
    public IEnumerable<LedgerEntry> Entries => _writing.Concat(_queued);

    /// <summary>Everything not yet in the ledger, of any period: what the budget lease has to cover.</summary>
    public long TotalMicros { get; private set; }

    /// <summary>What is not yet in the ledger of <paramref name="period"/>.</summary>
    public long MicrosIn(string period) => _byPeriod.GetValueOrDefault(period);

    /// <summary>What a run settled that is not yet in the ledger (any period, like a run's own spend).</summary>
    public long ByRun(string runId) => _byRun.GetValueOrDefault(runId);

    public void Add(LedgerEntry entry)
    {
        _queued.Add(entry);
        Count(entry, entry.AmountMicros);
    }

    /// <summary>Completes once the batch holding the entries queued now is written; faults if that write fails.</summary>
    public Task WhenQueuedWritten() => (_queuedWritten ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>Takes every queued entry as the batch to write; one batch is written at a time.</summary>
    public IReadOnlyList<LedgerEntry> BeginWrite()
    {
        if (_writing.Count > 0)
        {
            throw new InvalidOperationException("A ledger batch is already being written.");
        }

        (_writing, _queued) = (_queued, []);
        (_writingWritten, _queuedWritten) = (_queuedWritten, null);
        return _writing;
    }

    /// <summary>Forgets the batch the ledger now holds; the caller has applied it to the totals in the same step.</summary>
    public void EndWrite()
    {
        foreach (var entry in _writing)
        {
            Count(entry, -entry.AmountMicros);
        }

        _writing = [];
        _writingWritten?.TrySetResult();
        _writingWritten = null;
    }

    /// <summary>
    /// Fails everyone waiting for a write. The amounts stay counted: the spend happened whether or not the ledger got it,
    /// and the activation is about to go anyway.
    /// </summary>
    public void FailWrites(Exception exception)
    {
        _writingWritten?.TrySetException(exception);
        _queuedWritten?.TrySetException(exception);
        _writingWritten = null;
        _queuedWritten = null;
    }

    private void Count(LedgerEntry entry, long micros)
    {
        TotalMicros += micros;
        Adjust(_byPeriod, entry.Period, micros);
        if (entry.RunId is { } runId)
        {
            Adjust(_byRun, runId, micros);
        }
    }

    private static void Adjust(Dictionary<string, long> sums, string key, long micros)
    {
        var sum = sums.GetValueOrDefault(key) + micros;
        if (sum == 0)
        {
            sums.Remove(key);
        }
        else
        {
            sums[key] = sum;
        }
    }
}
