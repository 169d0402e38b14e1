using System.Collections.Immutable;

using Platform.Grains.Interfaces.Audit;
using Platform.Silo.Journal;

namespace Platform.Grains.Audit;

/// <summary>
/// A workspace's hash-chained audit log, kept in the journal stream <c>audit/{workspace id}</c> (one stored entry per
/// row, JSON of the whole entry). The chain's tip (last sequence and hash) lives in memory; every append names the
/// sequence it extends, so a second activation of this workspace on another silo cannot fork the chain: one of them
/// gets <see cref="InconsistentStateException"/>, is deactivated, and reloads the tip on its next call.
/// </summary>
public sealed class AuditLogGrain(IJournalStorage journal, TimeProvider time) : Grain, IAuditLogGrain
{
    /// <summary>The most entries one <see cref="ReadAsync"/> returns.</summary>
    public const int MaxReadLimit = 1000;

    // How many journal rows are fetched at a time while filtering or verifying.
    private const int JournalPageSize = 1000;

    private bool _tipLoaded;
    private long _lastSequence;
    private string _lastHash = AuditChain.GenesisHash;

    private string Stream => $"audit/{PrimaryKey}";

    /// <inheritdoc />
    public async Task<AuditEntry> AppendAsync(AuditRecord record)
    {
        AuditRecordRules.Validate(record);
        try
        {
            await LoadTipAsync();
            var sequence = _lastSequence + 1;
            var at = time.GetUtcNow().ToUniversalTime();

            // The caller's dictionary may sort with another comparer; stored and returned entries always sort ordinally.
            var details = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, record.Details);
            var hash = AuditChain.ComputeHash(sequence, at, record.Kind, record.Actor, record.Summary, details, _lastHash);
            var entry = new AuditEntry(sequence, at, record.Kind, record.Actor, record.Summary, details, _lastHash, hash);
            await journal.AppendAsync(Stream, _lastSequence, [AuditEntryCodec.Encode(entry)]);
            _lastSequence = sequence;
            _lastHash = hash;
            return entry;
        }
        catch
        {
            // A conflict means another activation extended the chain; a storage failure leaves the outcome unknown. Either
            // way the tip in memory may be wrong, so the next call must start from a fresh activation that reloads it.
            _tipLoaded = false;
            DeactivateOnIdle();
            throw;
        }
    }

    /// <inheritdoc />
    public Task AppendDeferredAsync(AuditRecord record) => AppendAsync(record);

    /// <inheritdoc />
    public async Task<AuditPage> ReadAsync(long afterSequence, int limit, string? kindPrefix = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(afterSequence);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxReadLimit);
        var filter = string.IsNullOrEmpty(kindPrefix) ? null : kindPrefix;

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

        // Deleting the newest entries leaves a chain that holds; only a tip this activation appended or loaded reveals it.
        if (_tipLoaded && _lastSequence >= expected)
        {
            return Broken(examined, expected, $"entry {expected} is missing (the log had reached entry {_lastSequence}).");
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

    /// <summary>Reads the chain's tip once per activation: the newest stored entry's sequence and hash.</summary>
    private async Task LoadTipAsync()
    {
        if (_tipLoaded)
        {
            return;
        }

        var last = await journal.GetLastSequenceAsync(Stream);
        _lastSequence = 0;
        _lastHash = AuditChain.GenesisHash;
        if (last > 0)
        {
            // Whatever this returns is a real row at or after the tip just seen; chaining onto it is right either way.
            var tail = await journal.ReadAsync(Stream, last - 1, 1);
            if (tail.Count == 1)
            {
                _lastSequence = tail[0].Sequence;
                _lastHash = Decode(tail[0]).Hash;
            }
        }

        _tipLoaded = true;
    }
}
