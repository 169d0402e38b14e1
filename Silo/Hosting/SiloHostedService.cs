using Microsoft.Extensions.Hosting;
using Platform.Silo.Runtime;
using Platform.Silo.Storage;

namespace Platform.Silo.Hosting;

/// <summary>
/// Starts the silo with the host (storage schema, reminders, idle collection) and stops it gracefully: running turns
/// finish and every activation deactivates, bounded by <see cref="SiloOptions.ShutdownTimeout"/>.
/// </summary>
internal sealed class SiloHostedService(
    SiloRuntime runtime,
    ActivationCollector collector,
    IEnumerable<IStorageInitializer> storageInitializers) : IHostedLifecycleService
{
    private int _stopped;

    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        foreach (var initializer in storageInitializers)
        {
            await initializer.InitializeAsync(cancellationToken);
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await runtime.Reminders.StartAsync(cancellationToken);
        collector.Start();
        runtime.Log.Started(runtime.Registry.Count, runtime.Reminders.Count);
    }

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        // Reminders stop first so no new activations are started by them while the silo drains.
        await runtime.Reminders.DisposeAsync();
        collector.Dispose();
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        runtime.SignalStopping();
        runtime.Log.Stopping(runtime.Catalog.Count);
        var drained = runtime.Catalog.DeactivateAllAsync();
        try
        {
            await drained.WaitAsync(runtime.Options.ShutdownTimeout, runtime.TimeProvider, cancellationToken);
        }
        catch (Exception exception) when (exception is TimeoutException or OperationCanceledException)
        {
            runtime.Log.ShutdownTimedOut(runtime.Options.ShutdownTimeout, runtime.Catalog.Count);
        }
    }

    // The runtime is a DI singleton; the container disposes it with the host.
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
