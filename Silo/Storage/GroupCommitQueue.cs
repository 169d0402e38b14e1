using System.Threading.Channels;

namespace Platform.Silo.Storage;

/// <summary>
/// Funnels every write through one loop that applies whatever is pending as one transaction, so concurrent
/// writers share a single durable commit (one fsync) instead of paying one each.
/// </summary>
internal sealed class GroupCommitQueue : IAsyncDisposable
{
    // Bounds one transaction's size when states are large, so a burst of big writes cannot build a gigabyte batch.
    private const long MaxBatchBytes = 32L * 1024 * 1024;

    private readonly Channel<PendingWrite> _channel = Channel.CreateUnbounded<PendingWrite>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });

    private readonly Func<IReadOnlyList<PendingWrite>, Task> _applyBatch;
    private readonly int _maxBatch;
    private readonly Task _loop;

    /// <param name="applyBatch">Decides and commits a batch; it completes each write itself, and anything it leaves incomplete is failed.</param>
    /// <param name="maxBatch">The most writes in one transaction.</param>
    public GroupCommitQueue(Func<IReadOnlyList<PendingWrite>, Task> applyBatch, int maxBatch)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        _applyBatch = applyBatch;
        _maxBatch = maxBatch;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Queues <paramref name="write"/>; its task completes once its outcome is durable.</summary>
    public Task<string?> EnqueueAsync(PendingWrite write)
    {
        if (!_channel.Writer.TryWrite(write))
        {
            throw new ObjectDisposedException(nameof(GroupCommitQueue), "The storage provider is shutting down and accepts no more writes.");
        }

        return write.Completion;
    }

    /// <summary>Stops accepting writes, commits every write already queued, then ends the loop.</summary>
    public async ValueTask DisposeAsync()
    {
        _channel.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        var reader = _channel.Reader;
        var batch = new List<PendingWrite>(_maxBatch);
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            long bytes = 0;
            while (batch.Count < _maxBatch && bytes < MaxBatchBytes && reader.TryRead(out var write))
            {
                // A caller that gave up before its write started gets a clean cancellation, never a half-known outcome.
                if (write.CancellationToken.IsCancellationRequested)
                {
                    write.Cancel();
                    continue;
                }

                batch.Add(write);
                bytes += write.Payload?.Length ?? 0;
            }

            if (batch.Count == 0)
            {
                continue;
            }

            try
            {
                await _applyBatch(batch).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // The provider failed the batch as a whole; nobody may be left waiting forever.
                foreach (var write in batch)
                {
                    write.Fail(ex);
                }
            }

            foreach (var write in batch)
            {
                write.Fail(new InvalidOperationException("The storage writer finished a batch without deciding this write."));
            }

            batch.Clear();
        }
    }
}
