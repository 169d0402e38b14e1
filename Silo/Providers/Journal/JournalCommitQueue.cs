using System.Threading.Channels;

namespace Platform.Silo.Journal;

/// <summary>
/// Funnels every journal append through one loop that applies whatever is pending as one transaction, so appends to
/// many streams share one durable commit (one fsync) instead of paying one each; the journal's
/// counterpart of the grain storage's group-commit queue.
/// </summary>
internal sealed class JournalCommitQueue : IAsyncDisposable
{
    // Bounds one transaction's size when entries are large, so a burst of big appends cannot build a gigabyte batch.
    private const long MaxBatchBytes = 32L * 1024 * 1024;

    private readonly Channel<PendingAppend> _channel = Channel.CreateUnbounded<PendingAppend>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });

    private readonly Func<IReadOnlyList<PendingAppend>, Task> _applyBatch;
    private readonly int _maxBatch;
    private readonly Task _loop;

    /// <param name="applyBatch">Decides and commits a batch; it completes each append itself, and anything it leaves incomplete is failed.</param>
    /// <param name="maxBatch">The most appends in one transaction.</param>
    public JournalCommitQueue(Func<IReadOnlyList<PendingAppend>, Task> applyBatch, int maxBatch)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        _applyBatch = applyBatch;
        _maxBatch = maxBatch;
        _loop = Storage.DedicatedThread.Start(Run, "platform-journal-commit");
    }

    /// <summary>Queues <paramref name="append"/>; its task completes once its outcome is durable.</summary>
    public Task<long> EnqueueAsync(PendingAppend append)
    {
        if (!_channel.Writer.TryWrite(append))
        {
            throw new ObjectDisposedException(nameof(JournalCommitQueue), "The journal is shutting down and accepts no more appends.");
        }

        return append.Completion;
    }

    /// <summary>Stops accepting appends, commits every append already queued, then ends the loop.</summary>
    public async ValueTask DisposeAsync()
    {
        _channel.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    private void Run()
    {
        var reader = _channel.Reader;
        var batch = new List<PendingAppend>(_maxBatch);
        // Blocking is the point: this thread exists only to wait for work and commit it.
        while (Storage.DedicatedThread.Wait(reader.WaitToReadAsync().AsTask()))
        {
            long bytes = 0;
            while (batch.Count < _maxBatch && bytes < MaxBatchBytes && reader.TryRead(out var append))
            {
                // A caller that gave up before its append started gets a clean cancellation, never a half-known outcome.
                if (append.CancellationToken.IsCancellationRequested)
                {
                    append.Cancel();
                    continue;
                }

                batch.Add(append);
                bytes += append.Bytes;
            }

            if (batch.Count == 0)
            {
                continue;
            }

            try
            {
                Storage.DedicatedThread.Wait(_applyBatch(batch));
            }
            catch (Exception ex)
            {
                // The provider failed the batch as a whole; nobody may be left waiting forever.
                foreach (var append in batch)
                {
                    append.Fail(ex);
                }
            }

            foreach (var append in batch)
            {
                append.Fail(new InvalidOperationException("The journal writer finished a batch without deciding this append."));
            }

            batch.Clear();
        }
    }
}
