using System.Collections.Concurrent;

namespace Platform.Silo.Runtime;

/// <summary>
/// The directory of live activations in this silo: exactly one per grain id. Creates an activation on first call and
/// forgets it once it is invalid, so the next call creates a fresh one.
/// </summary>
internal sealed class Catalog(SiloRuntime runtime)
{
    private readonly ConcurrentDictionary<GrainId, ActivationData> _activations = new();
    private volatile bool _stopping;

    public int Count => _activations.Count;

    public IEnumerable<ActivationData> Activations => _activations.Values;

    public ActivationData GetOrCreate(GrainId grainId, GrainTypeInfo grainType)
    {
        if (_activations.TryGetValue(grainId, out var existing))
        {
            return existing;
        }

        if (_stopping)
        {
            throw new SiloUnavailableException($"The silo is shutting down; grain {grainId} cannot be activated.");
        }

        var created = new ActivationData(grainId, grainType, runtime);
        var actual = _activations.GetOrAdd(grainId, created);
        if (ReferenceEquals(actual, created))
        {
            created.BeginActivation();
        }

        return actual;
    }

    public void Remove(ActivationData activation) =>
        _activations.TryRemove(KeyValuePair.Create(activation.GrainId, activation));

    /// <summary>Refuses new activations, then deactivates every live one (each after its running request finishes).</summary>
    public Task DeactivateAllAsync()
    {
        _stopping = true;
        var deactivations = new List<Task>(_activations.Count);
        foreach (var activation in _activations.Values)
        {
            activation.RequestDeactivation(DeactivationReason.ShuttingDown);
            deactivations.Add(activation.Deactivated);
        }

        return Task.WhenAll(deactivations);
    }
}
