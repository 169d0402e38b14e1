using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Metadata;

namespace Platform.Silo.Hosting;

/// <summary>
/// Remembers each grain interface's type id. Orleans works it out again on every <c>GetGrain</c>: it reads the
/// interface's custom attributes (<see cref="AttributeGrainInterfaceTypeProvider"/>) and, finding none, formats the
/// interface's name; under the model proxy's load that reflection was about a fifth of the gateway's managed CPU.
/// The answer depends only on the type, so it is worked out once per interface, the same way Orleans does.
/// </summary>
internal sealed class MemoizedGrainInterfaceTypeProvider(IGrainInterfaceTypeProvider attributes, IServiceProvider services) : IGrainInterfaceTypeProvider
{
    private readonly ConcurrentDictionary<Type, GrainInterfaceType?> _known = new();

    public bool TryGetGrainInterfaceType(Type type, out GrainInterfaceType grainInterfaceType)
    {
        // A generic interface's id gets its type arguments appended by the resolver after a provider answers, so only
        // its attribute is remembered; its conventional name is left to the resolver to build.
        var known = _known.GetOrAdd(type, static (type, self) => self.Resolve(type), this);
        grainInterfaceType = known.GetValueOrDefault();
        return known.HasValue;
    }

    private GrainInterfaceType? Resolve(Type type)
    {
        if (attributes.TryGetGrainInterfaceType(type, out var byAttribute))
        {
            return byAttribute;
        }

        // With no other provider to ask, the resolver's next step is its naming convention, so that answer is remembered
        // too. Both are resolved here, not injected: the resolver is built from the providers, this one among them.
        if (type.IsGenericType || services.GetServices<IGrainInterfaceTypeProvider>().Count() > 1)
        {
            return null;
        }

        return services.GetRequiredService<GrainInterfaceTypeResolver>().GetGrainInterfaceTypeByConvention(type);
    }
}
