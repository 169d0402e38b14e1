using System.Collections.Concurrent;
using System.Reflection;

namespace Platform.Silo.Runtime;

/// <summary>Creates grain references bound to this silo's runtime.</summary>
internal sealed class GrainFactory(SiloRuntime runtime) : IGrainFactory
{
    private readonly ConcurrentDictionary<(Type Interface, GrainTypeInfo GrainType), (GrainInterfaceInfo Info, GrainReference Prototype)> _interfaces = new();

    public TGrainInterface GetGrain<TGrainInterface>(string key) where TGrainInterface : IGrainWithStringKey
    {
        GrainKey.Validate(key);
        return Create<TGrainInterface>(runtime.Registry.ForInterface(typeof(TGrainInterface)), key);
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

    private TGrainInterface Create<TGrainInterface>(GrainTypeInfo grainType, string key)
    {
        var (info, prototype) = _interfaces.GetOrAdd(
            (typeof(TGrainInterface), grainType),
            static pair => (new GrainInterfaceInfo(pair.Interface, pair.GrainType), (GrainReference)(object)DispatchProxy.Create<TGrainInterface, GrainReference>()!));
        var reference = prototype.CloneProxy();
        reference.Initialize(new GrainId(grainType.Name, key), info, runtime);
        return (TGrainInterface)(object)reference;
    }
}
