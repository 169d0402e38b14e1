using System.Globalization;
using System.Text.Json;
using Platform.Silo.Storage;

namespace Platform.Silo.Tests.Grains;

/// <summary>
/// Grain storage in memory with the ETag contract of <see cref="IGrainStorage"/>; one instance shared by two silos
/// plays a database two machines write to. Every operation yields first, so writers race.
/// </summary>
public sealed class StressMemoryStorage : IGrainStorage
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(GrainId, string), StoredGrainState> _records = [];
    private long _version;

    public string ProviderName => "stress-memory";

    public async Task<StoredGrainState?> ReadAsync(GrainId grainId, string stateName, CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        lock (_lock)
        {
            return _records.GetValueOrDefault((grainId, stateName));
        }
    }

    public async Task<string> WriteAsync(GrainId grainId, string stateName, ReadOnlyMemory<byte> payload, string? expectedEtag, CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        lock (_lock)
        {
            var stored = _records.GetValueOrDefault((grainId, stateName));
            if (stored?.Etag != expectedEtag)
            {
                throw new InconsistentStateException(grainId, stateName, expectedEtag, stored?.Etag);
            }

            var etag = (++_version).ToString(CultureInfo.InvariantCulture);
            _records[(grainId, stateName)] = new StoredGrainState(payload.ToArray(), etag);
            return etag;
        }
    }

    public async Task<string?> ClearAsync(GrainId grainId, string stateName, string? expectedEtag, CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        lock (_lock)
        {
            var stored = _records.GetValueOrDefault((grainId, stateName));
            if (stored?.Etag != expectedEtag)
            {
                throw new InconsistentStateException(grainId, stateName, expectedEtag, stored?.Etag);
            }

            if (stored is null)
            {
                return null;
            }

            var etag = (++_version).ToString(CultureInfo.InvariantCulture);
            _records[(grainId, stateName)] = new StoredGrainState(null, etag);
            return etag;
        }
    }

    /// <summary>The integer property <paramref name="property"/> of what is stored, or 0 when nothing is.</summary>
    public int ReadInt(GrainId grainId, string stateName, string property)
    {
        lock (_lock)
        {
            if (_records.GetValueOrDefault((grainId, stateName))?.Payload is not { } payload)
            {
                return 0;
            }

            using var document = JsonDocument.Parse(payload);
            return document.RootElement.GetProperty(property).GetInt32();
        }
    }
}
