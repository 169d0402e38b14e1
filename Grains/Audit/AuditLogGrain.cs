using System.Collections.Immutable;

using Microsoft.Extensions.Logging;

using Platform.Grains.Interfaces.Audit;
using Platform.Silo.Journal;

namespace Platform.Grains.Audit;

/// <summary>
/// A workspace's hash-chained audit log, kept in the journal stream <c>audit/{workspace id}</c> (one stored entry per
/// row, JSON of the whole entry).
/// <para>
/// Chaining and writing are separate steps. An append fixes its entry's sequence, time and hashes at once against the
/// chain's tip in memory, with no await between reading the tip and advancing it, so durable and deferred appends
/// interleave into one chain. The entry then waits in a queue; one background flush at a time (a task of this
/// activation, not a grain call, so it holds no turn) writes everything queued in one journal append naming the
/// sequence it extends, and repeats while more was queued meanwhile. A model proxy auditing thousands of calls a second
/// thus pays one storage round trip per batch instead of one per call.
/// </para>
/// <para>
/// What is durable when: <see cref="AppendAsync"/> returns once the batch holding its entry (and so every entry chained
/// before it) is stored. <see cref="AppendDeferredAsync"/> returns once its entry is chained; it is stored with the next
/// batch, usually within one storage round trip, and is lost if that batch fails or the process dies first.
/// <see cref="ReadAsync"/> and <see cref="VerifyAsync"/> first wait for the batch holding the newest entry chained before
/// they started, so a reader sees everything appended before it asked (or gets the error that lost it), and
/// deactivation (idle collection, shutdown) waits for the queue to drain, so a clean stop loses nothing.
/// </para>
/// <para>
/// When a batch fails (a conflict, unavailable storage, anything) the entries not written, those queued behind it
/// included, exist nowhere else and the tip in memory no longer matches storage. Every waiter gets the exception, the
/// failure is logged, and the activation forgets its tip and deactivates; the next one reloads the tip from storage and
/// continues the chain from whatever storage holds. Because every batch names the sequence it extends, a second
/// activation of this workspace on another silo cannot fork the chain either: one of them gets
/// <see cref="InconsistentStateException"/> and starts over the same way.
/// </para>
/// </summary>
// Pinned: stored rows and reminders are keyed by the grain type name, so a class rename must not change it.
[GrainType("auditlog")]
public sealed class AuditLogGrain(IJournalStorage journal, TimeProvider time, ILogger<AuditLogGrain> logger) : StringKeyedGrain, IAuditLogGrain
{
    /// <summary>The most entries one <see cref="ReadAsync"/> returns.</summary>
    public const int MaxReadLimit = 1000;

    // How many journal rows are fetched at a time while filtering or verifying.
    private const int JournalPageSize = 1000;

    // The chain's tip in memory: the newest entry chained, whether or not it is stored yet. Only valid while _tipLoaded;
    // _tipLoading is the one load every first caller awaits, so two of them cannot both load and fork the chain.
    private bool _tipLoaded;
    private Task? _tipLoading;
    private long _lastSequence;
    private string _lastHash = AuditChain.GenesisHash;

    // The newest sequence this activation knows storage holds; the next batch extends it.
    private long _writtenSequence;

    // Chained entries not yet handed to the journal, and the promise that they will be written.
    private List<ReadOnlyMemory<byte>> _queued = [];
    private TaskCompletionSource? _queuedWritten;

    // Completes when the newest entry chained so far is stored (or its batch failed); what readers wait for.
    private Task _newestWritten = Task.CompletedTask;

    // The flush loop; it never faults, because it hands every failure to the batch's waiters instead.
    private Task _flushing = Task.CompletedTask;

    private readonly FlushWindow _window = new(FlushWindow.Default);

    private string Stream => $"audit/{PrimaryKey}";

    /// <inheritdoc />
    public async Task<AuditEntry> AppendAsync(AuditRecord record)
    {
        AuditRecordRules.Validate(record);
        while (!_tipLoaded)
        {
            await LoadTipOnceAsync();
        }

        var (entry, written) = Chain(record);

        // Batches are written in order, so once this one is stored every entry chained before it is too.
        _window.Hurry();
        await written;
        return entry;
    }

    /// <inheritdoc />
    /// <remarks>
    /// A failure to write the entry cannot be reported to this caller, who has moved on: it is logged, fails any durable
    /// append or read waiting for the same batch, and the next activation continues the chain without the lost entries.
    /// That is the accepted cost of not paying a storage round trip per call; use <see cref="AppendAsync"/> where the
    /// caller must know.
    /// </remarks>
    public async Task AppendDeferredAsync(AuditRecord record)
    {
        AuditRecordRules.Validate(record);
        while (!_tipLoaded)
        {
            await LoadTipOnceAsync();
        }

        Chain(record);
    }

    /// <summary>Waits for the queue to drain, so an idle collection or a clean shutdown loses no deferred entry.</summary>
    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // No request runs now, so nothing new is chained. The runtime bounds this wait by its deactivation timeout; if it
        // gives up, a successor may load the tip while this flush still writes, and the journal refuses one of their
        // appends as a conflict, so the chain still cannot fork.
        _window.Hurry();
        return _flushing;
    }

    /// <inheritdoc />
    public async Task<AuditPage> ReadAsync(long afterSequence, int limit, string? kindPrefix = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(afterSequence);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxReadLimit);
        var filter = string.IsNullOrEmpty(kindPrefix) ? null : kindPrefix;
        _window.Hurry();
        await _newestWritten;

        var entries = ImmutableArray.CreateBuilder<AuditEntry>(limit);
        var after = afterSequence;
        while (entries.Count < limit)
        {
            // Unfiltered, exactly what is still wanted; filtered, whole pages, because most rows may not match.
            var wanted = filter is null ? limit - entries.Count : JournalPageSize;
            var rows = await journal.ReadAsync(Stream, after, wanted);
            foreach (var row in rows)
            {
                var entry = Decode(row);
                if (filter is null || MatchesKind(entry.Kind, filter))
                {
                    entries.Add(entry);
                    if (entries.Count == limit)
                    {
                        break;
                    }
                }
            }

            if (rows.Count < wanted)
            {
                break;
            }

            after = rows[^1].Sequence;
        }

        var lastSequence = await journal.GetLastSequenceAsync(Stream);
        return new AuditPage(entries.ToImmutable(), lastSequence);
    }

    /// <inheritdoc />
    /// <remarks><see cref="AuditVerification.EntriesChecked"/> counts the stored entries examined, the broken one included.</remarks>
    public async Task<AuditVerification> VerifyAsync()
    {
        _window.Hurry();
        await _newestWritten;

        // Taken now: deferred appends may be chained and written while the pages are read, which is no evidence of loss.
        var known = _writtenSequence;
        long expected = 1;
        long examined = 0;
        var previousHash = AuditChain.GenesisHash;
        while (true)
        {
            var rows = await journal.ReadAsync(Stream, expected - 1, JournalPageSize);
            foreach (var row in rows)
            {
                if (row.Sequence != expected)
                {
                    return Broken(examined, expected, $"entry {expected} is missing (the next stored entry is {row.Sequence}).");
                }

                examined++;
                AuditEntry entry;
                try
                {
                    entry = AuditEntryCodec.Decode(row.Payload);
                }
                catch (InvalidDataException)
                {
                    return Broken(examined, expected, $"entry {expected}: its stored payload is not a readable audit entry.");
                }

                if (entry.Sequence != row.Sequence)
                {
                    return Broken(examined, expected, $"entry {expected}: its content claims to be entry {entry.Sequence}.");
                }

                if (!IsWellFormed(entry) || AuditChain.ComputeHash(entry.Sequence, entry.At, entry.Kind, entry.Actor, entry.Summary, entry.Details, entry.PreviousHash) != entry.Hash)
                {
                    return Broken(examined, expected, $"entry {expected}: stored hash does not match its content.");
                }

                if (entry.PreviousHash != previousHash)
                {
                    return Broken(examined, expected, expected == 1
                        ? "entry 1: previous hash is not the genesis hash of 64 zeros."
                        : $"entry {expected}: previous hash does not match entry {expected - 1}.");
                }

                previousHash = entry.Hash;
                expected++;
            }

            if (rows.Count < JournalPageSize)
            {
                break;
            }
        }

        // Deleting the newest entries leaves a chain that holds; only a tip this activation wrote or loaded reveals it.
        if (known >= expected)
        {
            return Broken(examined, expected, $"entry {expected} is missing (the log had reached entry {known}).");
        }

        return new AuditVerification(true, examined, null, null);
    }

    /// <summary>Whether <paramref name="kind"/> is <paramref name="prefix"/> or lies under it: <c>budget</c> matches <c>budget.reserved</c>, not <c>budgets</c>.</summary>
    private static bool MatchesKind(string kind, string prefix) =>
        prefix.EndsWith('.')
            ? kind.StartsWith(prefix, StringComparison.Ordinal)
            : kind == prefix || (kind.StartsWith(prefix, StringComparison.Ordinal) && kind[prefix.Length] == '.');

    private static AuditVerification Broken(long examined, long sequence, string problem) => new(false, examined, sequence, problem);

    // A hash that is not 64 lower-case hex digits can never have come from this grain.
    private static bool IsWellFormed(AuditEntry entry) =>
        entry.Hash.Length == 64 && entry.Hash.All(char.IsAsciiHexDigitLower);

    private AuditEntry Decode(JournalEntry row)
    {
        try
        {
            return AuditEntryCodec.Decode(row.Payload);
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidDataException($"Entry {row.Sequence} of the audit log of workspace '{PrimaryKey}' cannot be read; VerifyAsync reports what is wrong.", ex);
        }
    }

    /// <summary>
    /// Awaits the load of the chain's tip, starting it if nobody has. A failed load changed nothing, so it is forgotten
    /// and the next call tries again.
    /// </summary>
    private async Task LoadTipOnceAsync()
    {
        var loading = _tipLoading ??= LoadTipAsync();
        try
        {
            await loading;
        }
        catch
        {
            if (ReferenceEquals(_tipLoading, loading))
            {
                _tipLoading = null;
            }

            throw;
        }
    }

    /// <summary>Reads the chain's tip: the newest stored entry's sequence and hash. Runs only when nothing is queued.</summary>
    private async Task LoadTipAsync()
    {
        var last = await journal.GetLastSequenceAsync(Stream);
        var lastSequence = 0L;
        var lastHash = AuditChain.GenesisHash;
        if (last > 0)
        {
            // Whatever this returns is a real row at or after the tip just seen; chaining onto it is right either way.
            var tail = await journal.ReadAsync(Stream, last - 1, 1);
            if (tail.Count == 1)
            {
                lastSequence = tail[0].Sequence;
                lastHash = Decode(tail[0]).Hash;
            }
        }

        _lastSequence = lastSequence;
        _lastHash = lastHash;
        _writtenSequence = lastSequence;
        _tipLoaded = true;
    }

    /// <summary>
    /// Chains <paramref name="record"/> onto the tip and queues it, synchronously: nothing else of this activation runs
    /// between reading the tip and advancing it. Returns the entry and when its batch is written.
    /// </summary>
    private (AuditEntry Entry, Task Written) Chain(AuditRecord record)
    {
        var sequence = _lastSequence + 1;
        var at = time.GetUtcNow().ToUniversalTime();

        // The caller's dictionary may sort with another comparer; stored and returned entries always sort ordinally.
        var details = record.Details.KeyComparer == StringComparer.Ordinal ? record.Details : ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, record.Details);
        var hash = AuditChain.ComputeHash(sequence, at, record.Kind, record.Actor, record.Summary, details, _lastHash);
        var entry = new AuditEntry(sequence, at, record.Kind, record.Actor, record.Summary, details, _lastHash, hash);
        var payload = AuditEntryCodec.Encode(entry);

        _lastSequence = sequence;
        _lastHash = hash;
        _queued.Add(payload);
        var written = (_queuedWritten ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        _newestWritten = written;
        if (_flushing.IsCompleted)
        {
            _flushing = FlushAsync();
        }

        return (entry, written);
    }

    /// <summary>Writes everything queued in one journal append, again and again until nothing is queued.</summary>
    private async Task FlushAsync()
    {
        // Requests already waiting for this activation run first and chain into this batch rather than the next; with
        // nobody waiting for durability, calls of the next few milliseconds join it too.
        await Task.Yield();
        await _window.WaitAsync();
        while (_queued.Count > 0)
        {
            var batch = _queued;
            var written = _queuedWritten!;
            _queued = [];
            _queuedWritten = null;
            try
            {
                _writtenSequence = await journal.AppendAsync(Stream, _writtenSequence, batch);
            }
            catch (Exception ex)
            {
                Lose(batch.Count, written, ex);
                return;
            }

            written.TrySetResult();
        }
    }

    /// <summary>
    /// A batch failed: it and everything queued behind it are lost from memory, and the tip no longer matches storage
    /// (which may or may not hold the batch). Fails every waiter and starts over from storage in a new activation.
    /// </summary>
    private void Lose(int batchCount, TaskCompletionSource written, Exception error)
    {
        var count = batchCount + _queued.Count;
        AuditLog.FlushFailed(logger, PrimaryKey, _writtenSequence + 1, _lastSequence, count, error);
        Fail(written, error);
        if (_queuedWritten is { } behind)
        {
            Fail(behind, error);
        }

        _queued = [];
        _queuedWritten = null;
        _newestWritten = Task.CompletedTask;
        _tipLoaded = false;
        _tipLoading = null;
        DeactivateOnIdle();
    }

    private static void Fail(TaskCompletionSource written, Exception error)
    {
        written.TrySetException(error);

        // A batch of deferred entries may have no waiter at all; reading the exception marks it observed, so the failure
        // (already logged) does not surface again as an unobserved task exception.
        _ = written.Task.Exception;
    }
}
