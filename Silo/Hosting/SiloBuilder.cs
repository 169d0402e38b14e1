using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Platform.Silo.Runtime;

namespace Platform.Silo.Hosting;

/// <summary>Configures a silo: which grains it hosts and where their state lives.</summary>
public sealed class SiloBuilder
{
    private readonly HashSet<Type> _grainClasses = [];

    internal SiloBuilder(IServiceCollection services) => Services = services;

    /// <summary>The host's services, for storage providers and grain dependencies.</summary>
    public IServiceCollection Services { get; }

    internal IReadOnlyCollection<Type> GrainClasses => _grainClasses;

    /// <summary>Hosts every concrete <see cref="Grain"/> class in <paramref name="assembly"/>.</summary>
    public SiloBuilder AddGrains(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        _grainClasses.UnionWith(GrainTypeRegistry.GrainClassesIn(assembly));
        return this;
    }

    /// <summary>Hosts the grain class <typeparamref name="TGrain"/>.</summary>
    public SiloBuilder AddGrain<TGrain>() where TGrain : Grain
    {
        _grainClasses.Add(typeof(TGrain));
        return this;
    }
}
