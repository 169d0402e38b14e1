using System.Collections.Concurrent;
using System.Reflection;

namespace Platform.Silo.Runtime;

/// <summary>Creates grain references bound to this silo's runtime.</summary>
internal sealed class GrainFactory(SiloRuntime runtime) : IGrainFactory
{
    private readonly ConcurrentDictionary<(Type Interface, GrainTypeInfo GrainType), (GrainInterfaceInfo Info, GrainReference Prototype)> _interfaces = new();

    // By interface alone: the common path, one lookup per reference made.
    private readonly ConcurrentDictionary<Type, (GrainTypeInfo GrainType, GrainInterfaceInfo Info, GrainReference Prototype)> _byInterface = new();

    public TGrainInterface GetGrain<TGrainInterface>(string key) where TGrainInterface : IGrainWithStringKey
    {
        GrainKey.Validate(key);
        if (!_byInterface.TryGetValue(typeof(TGrainInterface), out var known))
        {
            var grainType = runtime.Registry.ForInterface(typeof(TGrainInterface));
            var (info, prototype) = Describe<TGrainInterface>(grainType);
            known = _byInterface.GetOrAdd(typeof(TGrainInterface), (grainType, info, prototype));
        }

        var reference = known.Prototype.CloneProxy();
        reference.Initialize(new GrainId(known.GrainType.Name, key), known.Info, runtime);
        return (TGrainInterface)(object)reference;
    }

    public TGrainInterface GetGrain<TGrainInterface>(Guid key) where TGrainInterface : IGrainWithGuidKey =>
        Create<TGrainInterface>(runtime.Registry.ForInterface(typeof(TGrainInterface)), key.ToString("N"));

    /// <summary>A reference by grain id, for callers (reminders) that know the grain type but not its main interface.</summary>
    public TGrainInterface GetGrain<TGrainInterface>(GrainId grainId) where TGrainInterface : IGrain
    {
        var grainType = runtime.Registry.ForName(grainId.Type);
        if (!typeof(TGrainInterface).IsAssignableFrom(grainType.GrainClass))
        {
            throw new InvalidOperationException($"Grain type '{grainId.Type}' does not implement {typeof(TGrainInterface).Name}.");
        }

        return Create<TGrainInterface>(grainType, grainId.Key);
    }

    private (GrainInterfaceInfo Info, GrainReference Prototype) Describe<TGrainInterface>(GrainTypeInfo grainType) =>
        _interfaces.GetOrAdd(
            (typeof(TGrainInterface), grainType),
            static pair => (new GrainInterfaceInfo(pair.Interface, pair.GrainType), (GrainReference)(object)DispatchProxy.Create<TGrainInterface, GrainReference>()!));

    private TGrainInterface Create<TGrainInterface>(GrainTypeInfo grainType, string key)
    {
        var (info, prototype) = Describe<TGrainInterface>(grainType);
        var reference = prototype.CloneProxy();
        reference.Initialize(new GrainId(grainType.Name, key), info, runtime);
        return (TGrainInterface)(object)reference;
    }
}
