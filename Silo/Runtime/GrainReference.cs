using System.Reflection;

namespace Platform.Silo.Runtime;

/// <summary>
/// The proxy behind every grain reference: a <see cref="DispatchProxy"/> over the grain interface that turns each
/// method call into a call through the runtime. It remembers the activation it last reached to skip the catalog lookup.
/// </summary>
#pragma warning disable CA1852 // DispatchProxy derives the generated proxy class from this one.
internal class GrainReference : DispatchProxy, IGrainReference
#pragma warning restore CA1852
{
    private GrainInterfaceInfo _interface = null!;
    private SiloRuntime _runtime = null!;

    public GrainId GrainId { get; private set; }

    public ActivationData? CachedActivation { get; set; }

    /// <summary>
    /// A new reference of the same generated proxy type. <see cref="DispatchProxy.Create{T, TProxy}"/> constructs through
    /// reflection on every call, which a gateway making several references per request pays thousands of times a second;
    /// copying a prototype costs one allocation. The copy is then initialized like a new one.
    /// </summary>
    public GrainReference CloneProxy() => (GrainReference)MemberwiseClone();

    public void Initialize(GrainId grainId, GrainInterfaceInfo grainInterface, SiloRuntime runtime)
    {
        GrainId = grainId;
        _interface = grainInterface;
        _runtime = runtime;
    }

    public override bool Equals(object? obj) =>
        obj is GrainReference other && other.GrainId == GrainId && other._interface.Interface == _interface.Interface;

    public override int GetHashCode() => GrainId.GetHashCode();

    public override string ToString() => $"{_interface.Interface.Name}:{GrainId}";

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        if (targetMethod.DeclaringType == typeof(IGrainReference))
        {
            return GrainId;
        }

        return _runtime.Invoke(this, _interface.InvokerFor(targetMethod), args ?? []);
    }
}
