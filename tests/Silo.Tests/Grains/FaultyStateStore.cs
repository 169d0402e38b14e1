using Platform.Silo.Storage;

namespace Platform.Silo.Tests.Grains;

/// <summary>The real store, except that writes fail as an unreachable server's would while <see cref="StoreFaults"/> says so.</summary>
internal sealed class FaultyStateStore(IGrainStateStore inner, StoreFaults faults) : IGrainStateStore
{
    public string ProviderName => inner.ProviderName;

    public Task<StoredGrainState?> ReadAsync(GrainId grainId, string stateName, CancellationToken cancellationToken = default) =>
        inner.ReadAsync(grainId, stateName, cancellationToken);

    public Task<string> WriteAsync(GrainId grainId, string stateName, ReadOnlyMemory<byte> payload, string? expectedEtag, CancellationToken cancellationToken = default) =>
        faults.TakeFailure()
            ? Task.FromException<string>(new StorageUnavailableException("SQLite storage is unavailable: injected by the test."))
            : inner.WriteAsync(grainId, stateName, payload, expectedEtag, cancellationToken);

    public Task<string?> ClearAsync(GrainId grainId, string stateName, string? expectedEtag, CancellationToken cancellationToken = default) =>
        faults.TakeFailure()
            ? Task.FromException<string?>(new StorageUnavailableException("SQLite storage is unavailable: injected by the test."))
            : inner.ClearAsync(grainId, stateName, expectedEtag, cancellationToken);
}
