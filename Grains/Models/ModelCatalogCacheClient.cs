using System.Collections.Immutable;
using Platform.Grains.Interfaces.Models;

namespace Platform.Grains.Models;

/// <summary>Sends the catalogue to the <see cref="IModelCatalogCacheService"/> of every other active silo.</summary>
public sealed class ModelCatalogCacheClient(IServiceProvider services, IGrainFactory grains, ILocalSiloDetails local)
    : OtherSilosClient<IModelCatalogCacheService>(services, grains, local)
{
    /// <summary>Publishes <paramref name="entries"/> on every active silo but this one (whose cache the caller fills itself).</summary>
    public Task PublishToOtherSilosAsync(ImmutableArray<CatalogEntry> entries) => OnOtherSilosAsync(silo => silo.PublishAsync(entries));
}
