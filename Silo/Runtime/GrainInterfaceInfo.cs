using System.Collections.Frozen;
using System.Reflection;

namespace Platform.Silo.Runtime;

/// <summary>A grain interface, checked once: its implementing grain type and an invoker per method.</summary>
internal sealed class GrainInterfaceInfo
{
    private readonly FrozenDictionary<MethodInfo, GrainMethodInvoker> _invokers;

    public GrainInterfaceInfo(Type grainInterface, GrainTypeInfo grainType)
    {
        Interface = grainInterface;
        GrainType = grainType;
        var methods = new[] { grainInterface }
            .Concat(grainInterface.GetInterfaces())
            .Where(i => i != typeof(IGrainReference))
            .SelectMany(i => i.GetMethods())
            .ToArray();
        foreach (var method in methods)
        {
            CallContract.Check(method);
        }

        _invokers = methods.ToFrozenDictionary(m => m, m => new GrainMethodInvoker(m.DeclaringType!, m, grainType));
    }

    public Type Interface { get; }

    public GrainTypeInfo GrainType { get; }

    public GrainMethodInvoker InvokerFor(MethodInfo method) =>
        _invokers.TryGetValue(method, out var invoker)
            ? invoker
            : throw new InvalidOperationException($"{method.DeclaringType?.Name}.{method.Name} is not a method of grain interface {Interface.Name}.");
}
