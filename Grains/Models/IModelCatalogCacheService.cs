using System.Collections.Immutable;
using Orleans.Services;
using Platform.Grains.Interfaces.Models;

namespace Platform.Grains.Models;

/// <summary>The <see cref="ModelCatalogCache"/> of one silo, reachable from the catalogue grain wherever that runs.</summary>
[Alias("platform.IModelCatalogCacheService")]
public interface IModelCatalogCacheService : IGrainService
{
    /// <summary>Makes <paramref name="entries"/> this silo's catalogue.</summary>
    Task PublishAsync(ImmutableArray<CatalogEntry> entries);
}
