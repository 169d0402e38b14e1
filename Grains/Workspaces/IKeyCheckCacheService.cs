using Orleans.Services;

namespace Platform.Grains.Workspaces;

/// <summary>The <see cref="KeyAuthenticationCache"/> of one silo, reachable from a workspace grain wherever that runs.</summary>
[Alias("platform.IKeyCheckCacheService")]
public interface IKeyCheckCacheService : IGrainService
{
    /// <summary>Forgets this silo's remembered key checks of <paramref name="workspaceId"/>.</summary>
    Task ForgetAsync(string workspaceId);
}
