using System.Collections.Immutable;
using Orleans.Runtime.Services;
using Platform.Grains.Interfaces.Models;

namespace Platform.Grains.Models;

/// <summary>Sends the catalogue to the <see cref="IModelCatalogCacheService"/> of every other active silo.</summary>
public sealed class ModelCatalogCacheClient(IServiceProvider services, IGrainFactory grains, ILocalSiloDetails local)
    : GrainServiceClient<IModelCatalogCacheService>(services)
{
    /// <summary>Publishes <paramref name="entries"/> on every active silo but this one (whose cache the caller fills itself).</summary>
    public async Task PublishToOtherSilosAsync(ImmutableArray<CatalogEntry> entries)
    {
        var hosts = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
        await Task.WhenAll(hosts.Keys
            .Where(silo => !silo.Equals(local.SiloAddress))
            .Select(silo => GetGrainService(silo).PublishAsync(entries)));
    }
}
