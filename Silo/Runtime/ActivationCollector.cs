namespace Platform.Silo.Runtime;

/// <summary>
/// Deactivates activations unused for <c>CollectionAge</c>, checking every <c>CollectionQuantum</c> on the silo's
/// <see cref="TimeProvider"/> (so tests advance a manual clock instead of sleeping). Memory stays proportional to the
/// grains in use, not to every grain ever called.
/// </summary>
internal sealed class ActivationCollector(SiloRuntime runtime) : IDisposable
{
    private ITimer? _timer;

    public void Start()
    {
        var quantum = runtime.Options.CollectionQuantum;
        _timer = runtime.TimeProvider.CreateTimer(static state => ((ActivationCollector)state!).CollectIdle(), this, quantum, quantum);
    }

    /// <summary>Starts deactivating every activation idle for at least the collection age; returns how many.</summary>
    public int CollectIdle()
    {
        var ageTicks = (long)(runtime.Options.CollectionAge.TotalSeconds * runtime.TimeProvider.TimestampFrequency);
        var cutoff = runtime.TimeProvider.GetTimestamp() - ageTicks;
        var collected = 0;
        foreach (var activation in runtime.Catalog.Activations)
        {
            if (activation.TryCollectIfIdleSince(cutoff))
            {
                collected++;
            }
        }

        if (collected > 0)
        {
            runtime.Log.Collected(collected);
        }

        return collected;
    }

    public void Dispose() => _timer?.Dispose();
}
