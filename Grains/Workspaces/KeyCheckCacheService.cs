using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace Platform.Grains.Workspaces;

/// <summary>
/// Runs on every silo so that a workspace grain on any silo can make the gateway beside each other silo forget the key
/// checks it remembers for that workspace, before the change that outdated them is acknowledged.
/// </summary>
[Reentrant]
internal sealed class KeyCheckCacheService(GrainId grainId, Orleans.Runtime.Silo silo, ILoggerFactory loggerFactory, KeyAuthenticationCache cache)
    : GrainService(grainId, silo, loggerFactory), IKeyCheckCacheService
{
    public Task ForgetAsync(string workspaceId)
    {
        cache.Forget(workspaceId);
        return Task.CompletedTask;
    }
}
