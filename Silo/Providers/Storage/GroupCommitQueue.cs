using System.Diagnostics;
using System.Threading.Channels;
using Platform.Silo.Diagnostics;

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
    private readonly string _providerName;
    private readonly SiloMetrics _metrics;
    private readonly Task _loop;

    /// <param name="applyBatch">Decides and commits a batch; it completes each write itself, and anything it leaves incomplete is failed.</param>
    /// <param name="maxBatch">The most writes in one transaction.</param>
    /// <param name="providerName">The provider's name, for metrics.</param>
    /// <param name="metrics">Where write latency and ETag conflicts are recorded.</param>
    public GroupCommitQueue(Func<IReadOnlyList<PendingWrite>, Task> applyBatch, int maxBatch, string providerName, SiloMetrics metrics)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        _applyBatch = applyBatch;
        _maxBatch = maxBatch;
        _providerName = providerName;
        _metrics = metrics;
        _loop = DedicatedThread.Start(Run, "platform-storage-commit");
    }

    /// <summary>The <see cref="IGrainStateStore.WriteAsync"/> contract for a provider built on this queue.</summary>
    public async Task<string> WriteAsync(GrainId grainId, string stateName, ReadOnlyMemory<byte> payload, string? expectedEtag, CancellationToken cancellationToken)
    {
        StorageKey.Validate(grainId, stateName);

        // Copied because the caller may reuse its buffer while the write waits for its batch.
        var write = new PendingWrite(grainId, stateName, payload.ToArray(), isClear: false, expectedEtag, cancellationToken);
        return (await SubmitAsync(write, "write").ConfigureAwait(false))!;
    }

    /// <summary>The <see cref="IGrainStateStore.ClearAsync"/> contract for a provider built on this queue.</summary>
    public Task<string?> ClearAsync(GrainId grainId, string stateName, string? expectedEtag, CancellationToken cancellationToken)
    {
        StorageKey.Validate(grainId, stateName);
        return SubmitAsync(new PendingWrite(grainId, stateName, payload: null, isClear: true, expectedEtag, cancellationToken), "clear");
    }

    private async Task<string?> SubmitAsync(PendingWrite write, string operation)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            return await EnqueueAsync(write).ConfigureAwait(false);
        }
        catch (InconsistentStateException)
        {
            // Counted where the caller sees it, so a batch retried write by write does not count a conflict twice.
            _metrics.RecordEtagConflict(_providerName);
            throw;
        }
        finally
        {
            _metrics.RecordStorage(_providerName, operation, start);
        }
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

    private void Run()
    {
        var reader = _channel.Reader;
        var batch = new List<PendingWrite>(_maxBatch);
        // Blocking is the point: this thread exists only to wait for work and commit it.
        while (DedicatedThread.Wait(reader.WaitToReadAsync().AsTask()))
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
                DedicatedThread.Wait(_applyBatch(batch));
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
