using Microsoft.Extensions.DependencyInjection;

namespace Platform.Silo.Hosting;

/// <summary>Registration of <see cref="MemoizedGrainInterfaceTypeProvider"/>.</summary>
internal static class GrainInterfaceTypeServiceCollectionExtensions
{
    /// <summary>
    /// Puts the memoizing provider where Orleans registered its attribute provider (same place in the order, so the
    /// answers do not change). Call after Orleans' own services are added: a silo builder's or client builder's callback.
    /// </summary>
    public static IServiceCollection MemoizeGrainInterfaceTypes(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        for (var i = 0; i < services.Count; i++)
        {
            var descriptor = services[i];
            if (descriptor.ServiceType == typeof(IGrainInterfaceTypeProvider) && descriptor.ImplementationType == typeof(AttributeGrainInterfaceTypeProvider))
            {
                services[i] = ServiceDescriptor.Singleton<IGrainInterfaceTypeProvider>(
                    static sp => new MemoizedGrainInterfaceTypeProvider(new AttributeGrainInterfaceTypeProvider(sp), sp));
            }
        }

        return services;
    }
}
