namespace Platform.Grains.Workspaces;

/// <summary>Tells the <see cref="IKeyCheckCacheService"/> of every other active silo to forget a workspace's key checks.</summary>
public sealed class KeyCheckCacheClient(IServiceProvider services, IGrainFactory grains, ILocalSiloDetails local)
    : OtherSilosClient<IKeyCheckCacheService>(services, grains, local)
{
    /// <summary>Forgets <paramref name="workspaceId"/>'s checks on every active silo but this one.</summary>
    public Task ForgetOnOtherSilosAsync(string workspaceId) => OnOtherSilosAsync(silo => silo.ForgetAsync(workspaceId));
}
