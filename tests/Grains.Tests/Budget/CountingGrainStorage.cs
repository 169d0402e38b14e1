using System.Collections.Concurrent;

using Platform.Silo.Storage;

namespace Platform.Grains.Tests.Budget;

/// <summary>Grain storage that counts state writes per grain key and state name, and otherwise does what it wraps.</summary>
internal sealed class CountingGrainStorage(IGrainStateStore inner) : IGrainStateStore
{
    private readonly ConcurrentDictionary<(string Key, string State), int> _writes = new();

    public string ProviderName => inner.ProviderName;

    /// <summary>Successful writes of state <paramref name="stateName"/> of grains keyed <paramref name="key"/>.</summary>
    public int Writes(string key, string stateName) => _writes.GetValueOrDefault((key, stateName));

    public Task<StoredGrainState?> ReadAsync(GrainId grainId, string stateName, CancellationToken cancellationToken = default) =>
        inner.ReadAsync(grainId, stateName, cancellationToken);

    public async Task<string> WriteAsync(GrainId grainId, string stateName, ReadOnlyMemory<byte> payload, string? expectedEtag, CancellationToken cancellationToken = default)
    {
        var etag = await inner.WriteAsync(grainId, stateName, payload, expectedEtag, cancellationToken);
        _writes.AddOrUpdate((grainId.Key.ToString()!, stateName), 1, static (_, count) => count + 1);
        return etag;
    }

    public Task<string?> ClearAsync(GrainId grainId, string stateName, string? expectedEtag, CancellationToken cancellationToken = default) =>
        inner.ClearAsync(grainId, stateName, expectedEtag, cancellationToken);
}
