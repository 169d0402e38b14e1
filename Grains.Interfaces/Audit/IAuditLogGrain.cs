namespace Platform.Grains.Interfaces.Audit;

/// <summary>
/// A workspace's append-only, hash-chained audit log (key: workspace id). Every model call, tool call, approval,
/// budget event, key and member change is appended here; each entry carries the SHA-256 of the one before it, so any
/// change to a stored entry is found by <see cref="VerifyAsync"/>. Entries never hold secret values.
/// </summary>
[Alias("platform.IAuditLogGrain")]
public interface IAuditLogGrain : IGrainWithStringKey
{
    /// <summary>Appends a record and returns the entry as chained (sequence, time, hashes) once it is durable.</summary>
    Task<AuditEntry> AppendAsync(AuditRecord record);

    /// <summary>
    /// Chains a record at once (its sequence and hash are fixed now) and writes it with the next batch instead of before
    /// returning: for the model proxy, which audits every call and must not pay a storage round trip for each. Reads and
    /// verification wait for pending entries, so a reader always sees what was appended before it asked. The record is
    /// validated like <see cref="AppendAsync"/>'s; but if writing its batch fails, this caller is not told (it has
    /// returned): the failure is logged and the entry is lost. That is the accepted cost of not waiting for storage.
    /// </summary>
    [AlwaysInterleave]
    Task AppendDeferredAsync(AuditRecord record);

    /// <summary>Reads up to <paramref name="limit"/> entries after <paramref name="afterSequence"/>, oldest first, optionally of one kind prefix.</summary>
    Task<AuditPage> ReadAsync(long afterSequence, int limit, string? kindPrefix = null);

    /// <summary>Recomputes the whole chain from storage and names the first broken link, if any.</summary>
    Task<AuditVerification> VerifyAsync();
}
