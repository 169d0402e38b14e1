using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Platform.Silo.Diagnostics;
using Platform.Silo.Runtime;

namespace Platform.Silo.Hosting;

/// <summary>Puts a silo inside a .NET generic host.</summary>
public static class SiloHostingExtensions
{
    /// <summary>
    /// Hosts a silo in this application: registers the runtime, <see cref="IGrainFactory"/>, options (section
    /// <c>Silo</c>, validated at start-up) and the hosted service that starts and gracefully stops it.
    /// </summary>
    public static IHostApplicationBuilder UseSilo(this IHostApplicationBuilder builder, Action<SiloBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSilo(configure);
        return builder;
    }

    /// <summary>Registers a silo's services; see <see cref="UseSilo"/>.</summary>
    public static IServiceCollection AddSilo(this IServiceCollection services, Action<SiloBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var silo = new SiloBuilder(services);
        configure(silo);

        services.AddOptions<SiloOptions>()
            .BindConfiguration(SiloOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => o.CollectionQuantum <= o.CollectionAge, "Silo:CollectionQuantum must not exceed Silo:CollectionAge.")
            .ValidateOnStart();
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<SiloMetrics>();
        services.AddSingleton(new GrainTypeRegistry(silo.GrainClasses));
        services.AddSingleton<SiloRuntime>();
        services.AddSingleton<ActivationCollector>();
        services.AddSingleton<IGrainFactory>(sp => sp.GetRequiredService<SiloRuntime>().GrainFactory);
        services.AddHostedService<SiloHostedService>();
        return services;
    }
}
