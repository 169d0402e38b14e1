using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Platform.Grains.Interfaces.Models;

namespace Platform.Grains.Models;

/// <summary>
/// Runs on every silo and publishes the catalogue grain's entries into that silo's <see cref="ModelCatalogCache"/>, so a
/// workspace on any silo of the cluster reads the prices in force, not those of when it first loaded them.
/// </summary>
[Reentrant]
internal sealed class ModelCatalogCacheService(GrainId grainId, Orleans.Runtime.Silo silo, ILoggerFactory loggerFactory, ModelCatalogCache cache)
    : GrainService(grainId, silo, loggerFactory), IModelCatalogCacheService
{
    public Task PublishAsync(ImmutableArray<CatalogEntry> entries)
    {
        cache.Publish(entries);
        return Task.CompletedTask;
    }
}
