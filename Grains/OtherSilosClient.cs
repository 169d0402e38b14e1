using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime.Services;
using Orleans.Services;

namespace Platform.Grains;

/// <summary>
/// Calls a grain service on every other running silo of the cluster: for the per-silo caches (prices, key checks)
/// whose owner updates its own silo's copy directly and must have the others updated before it answers.
/// </summary>
/// <typeparam name="TService">The grain service every silo runs.</typeparam>
public abstract class OtherSilosClient<TService> : GrainServiceClient<TService>
    where TService : IGrainService
{
    private readonly IServiceProvider _services;
    private readonly IGrainFactory _grains;
    private readonly ILocalSiloDetails _local;

    protected OtherSilosClient(IServiceProvider services, IGrainFactory grains, ILocalSiloDetails local)
        : base(services)
    {
        _services = services;
        _grains = grains;
        _local = local;
    }

    /// <summary>Makes <paramref name="call"/> on each other running silo's service, all at once; fails if any fails.</summary>
    protected async Task OnOtherSilosAsync(Func<TService, Task> call)
    {
        ArgumentNullException.ThrowIfNull(call);
        await Task.WhenAll((await OtherRunningSilosAsync()).Select(silo => call(GetGrainService(silo))));
    }

    /// <summary>
    /// The silos to tell, read from the membership table itself where there is one: a silo that became active a moment
    /// ago is there before this silo's view of the cluster has caught up, and it may already serve requests. Silos on
    /// their way out still serve until they stop, so they are told too.
    /// </summary>
    private async Task<IEnumerable<SiloAddress>> OtherRunningSilosAsync()
    {
        if (_services.GetService<IMembershipTable>() is { } table)
        {
            var members = await table.ReadAllAsync(CancellationToken.None);
            return members.Members
                .Select(static m => m.Item1)
                .Where(m => m.Status is SiloStatus.Active or SiloStatus.ShuttingDown or SiloStatus.Stopping && !m.SiloAddress.Equals(_local.SiloAddress))
                .Select(static m => m.SiloAddress);
        }

        var hosts = await _grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
        return hosts.Keys.Where(silo => !silo.Equals(_local.SiloAddress));
    }
}
