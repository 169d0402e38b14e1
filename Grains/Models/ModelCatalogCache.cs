using System.Collections.Immutable;
using Platform.Grains.Interfaces.Models;

namespace Platform.Grains.Models;

/// <summary>
/// The catalogue grain's entries, shared with every workspace grain of this process, so the OpenAI-compatible endpoint's
/// hot path reads prices with no grain call: a workspace compares <see cref="ModelCatalogSnapshot.Version"/> with the one
/// it resolved its settings at. Only the catalogue grain publishes, after every change and on activation, here and (through
/// <see cref="ModelCatalogCacheClient"/>) on every other silo of the cluster.
/// </summary>
public sealed class ModelCatalogCache
{
    private readonly Lock _gate = new();
    private long _version;
    private volatile ModelCatalogSnapshot? _current;

    /// <summary>The newest catalogue, or <see langword="null"/> before the catalogue grain first activated.</summary>
    public ModelCatalogSnapshot? Current => _current;

    /// <summary>
    /// Publishes <paramref name="entries"/> read from the catalogue grain when this silo has none yet: the grain lives
    /// on one silo and publishes to that silo's cache, so a workspace activated on another fills its own from a call.
    /// Never replaces a snapshot, which may be newer than what the call returned.
    /// </summary>
    public ModelCatalogSnapshot PublishIfEmpty(ImmutableArray<CatalogEntry> entries)
    {
        lock (_gate)
        {
            if (_current is { } current)
            {
                return current;
            }

            var snapshot = new ModelCatalogSnapshot(++_version, entries);
            _current = snapshot;
            return snapshot;
        }
    }

    public ModelCatalogSnapshot Publish(ImmutableArray<CatalogEntry> entries)
    {
        lock (_gate)
        {
            var snapshot = new ModelCatalogSnapshot(++_version, entries);
            _current = snapshot;
            return snapshot;
        }
    }
}
