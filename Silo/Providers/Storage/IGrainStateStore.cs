namespace Platform.Silo.Storage;

/// <summary>
/// Durable grain state, addressed by (grain id, state name), versioned by an opaque ETag.
/// Every provider honours the same contract (see <c>GrainStorageContractTests</c>):
/// <list type="bullet">
/// <item>a write or clear whose expected ETag does not match what is stored throws Orleans' <see cref="InconsistentStateException"/> and changes nothing;</item>
/// <item>a write is acknowledged only once it is durable;</item>
/// <item>a cleared record reads back with a <see langword="null"/> payload and a fresh ETag, so stale writers still conflict.</item>
/// </list>
/// </summary>
public interface IGrainStateStore
{
    /// <summary>The provider's name, used in metrics and error messages (<c>sqlite</c>, <c>postgres</c>).</summary>
    string ProviderName { get; }

    /// <summary>Reads a state record, or <see langword="null"/> when none was ever written.</summary>
    Task<StoredGrainState?> ReadAsync(GrainId grainId, string stateName, CancellationToken cancellationToken = default);

    /// <summary>Writes a state record if <paramref name="expectedEtag"/> matches, returning the new ETag once durable.</summary>
    Task<string> WriteAsync(GrainId grainId, string stateName, ReadOnlyMemory<byte> payload, string? expectedEtag, CancellationToken cancellationToken = default);

    /// <summary>Clears a state record if <paramref name="expectedEtag"/> matches, returning the new ETag (or <see langword="null"/> when nothing was stored).</summary>
    Task<string?> ClearAsync(GrainId grainId, string stateName, string? expectedEtag, CancellationToken cancellationToken = default);
}
