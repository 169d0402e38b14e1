using Orleans.Runtime.Services;
using Orleans.Services;

namespace Platform.Grains;

/// <summary>
/// Calls a grain service on every active silo of the cluster but this one: for the per-silo caches (prices, key
/// checks) whose owner updates its own silo's copy directly and must have the others updated before it answers.
/// </summary>
/// <typeparam name="TService">The grain service every silo runs.</typeparam>
public abstract class OtherSilosClient<TService>(IServiceProvider services, IGrainFactory grains, ILocalSiloDetails local)
    : GrainServiceClient<TService>(services)
    where TService : IGrainService
{
    /// <summary>Makes <paramref name="call"/> on each other active silo's service, all at once; fails if any fails.</summary>
    protected async Task OnOtherSilosAsync(Func<TService, Task> call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var hosts = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
        await Task.WhenAll(hosts.Keys
            .Where(silo => !silo.Equals(local.SiloAddress))
            .Select(silo => call(GetGrainService(silo))));
    }
}
