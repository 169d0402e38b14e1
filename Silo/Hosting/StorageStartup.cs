using Platform.Silo.Storage;

namespace Platform.Silo.Hosting;

/// <summary>
/// Creates the storage schema before the silo activates anything, so the first grain, reminder or journal read finds
/// its tables, and a store that cannot be reached stops the start with its reason instead of failing calls later.
/// </summary>
internal sealed class StorageStartup(IEnumerable<IStorageInitializer> initializers) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(StorageStartup), ServiceLifecycleStage.RuntimeInitialize, async cancellationToken =>
        {
            foreach (var initializer in initializers)
            {
                await initializer.InitializeAsync(cancellationToken).ConfigureAwait(false);
            }
        });
}
