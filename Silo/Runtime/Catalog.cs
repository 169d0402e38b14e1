using System.Collections.Concurrent;

namespace Platform.Silo.Runtime;

/// <summary>
/// The directory of live activations in this silo: exactly one per grain id. Creates an activation on first call and
/// forgets it once it is invalid, so the next call creates a fresh one.
/// </summary>
internal sealed class Catalog(SiloRuntime runtime)
{
    private readonly ConcurrentDictionary<GrainId, ActivationData> _activations = new();

    // Creation and the start of shutdown exclude each other, so no activation is created after shutdown took its list.
    private readonly Lock _creation = new();
    private bool _stopping;

    public int Count => _activations.Count;

    public IEnumerable<ActivationData> Activations => _activations.Values;

    public ActivationData GetOrCreate(GrainId grainId, GrainTypeInfo grainType)
    {
        if (_activations.TryGetValue(grainId, out var existing))
        {
            return existing;
        }

        ActivationData actual;
        ActivationData created;
        lock (_creation)
        {
            if (_stopping)
            {
                throw new SiloUnavailableException($"The silo is shutting down; grain {grainId} cannot be activated.");
            }

            created = new ActivationData(grainId, grainType, runtime);
            actual = _activations.GetOrAdd(grainId, created);
        }

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
        ActivationData[] activations;
        lock (_creation)
        {
            _stopping = true;
            activations = [.. _activations.Values];
        }

        var deactivations = new List<Task>(activations.Length);
        foreach (var activation in activations)
        {
            activation.RequestDeactivation(DeactivationReason.ShuttingDown);
            deactivations.Add(activation.Deactivated);
        }

        return Task.WhenAll(deactivations);
    }
}
