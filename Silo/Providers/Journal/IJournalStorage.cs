namespace Platform.Silo.Journal;

/// <summary>
/// Append-only streams of entries (audit chains, ledgers), for data that only grows and is read in ranges; grain state
/// would have to be rewritten whole on every change. Entries are numbered 1, 2, 3, … per stream with no gaps.
/// Every provider honours the same contract:
/// <list type="bullet">
/// <item>an append whose <c>expectedLastSequence</c> is not the stream's last sequence throws
/// <see cref="InconsistentStateException"/> and stores nothing, so two writers cannot both extend a stream;</item>
/// <item>an append is acknowledged only once durable;</item>
/// <item>there is no update and no delete of single entries; <see cref="DeleteStreamAsync"/> removes a whole stream
/// (a deleted workspace).</item>
/// </list>
/// </summary>
public interface IJournalStorage
{
    /// <summary>Appends <paramref name="entries"/> after <paramref name="expectedLastSequence"/>; returns the new last sequence.</summary>
    Task<long> AppendAsync(string stream, long expectedLastSequence, IReadOnlyList<ReadOnlyMemory<byte>> entries, CancellationToken cancellationToken = default);

    /// <summary>Reads up to <paramref name="limit"/> entries with sequence greater than <paramref name="afterSequence"/>, in order.</summary>
    Task<IReadOnlyList<JournalEntry>> ReadAsync(string stream, long afterSequence, int limit, CancellationToken cancellationToken = default);

    /// <summary>The stream's last sequence, or 0 when it has no entries.</summary>
    Task<long> GetLastSequenceAsync(string stream, CancellationToken cancellationToken = default);

    /// <summary>Removes a whole stream.</summary>
    Task DeleteStreamAsync(string stream, CancellationToken cancellationToken = default);
}
