using Microsoft.Extensions.DependencyInjection;

namespace Platform.Grains.Tests.Budget;

/// <summary>Wraps the service a store registered, so a test can watch or steer it without knowing the store.</summary>
internal static class ServiceDecoration
{
    public static IServiceCollection Decorate<TService>(this IServiceCollection services, Func<TService, TService> wrap)
        where TService : class
    {
        var registered = services.Last(static d => d.ServiceType == typeof(TService) && !d.IsKeyedService);
        return services.AddSingleton(sp => wrap((TService)Resolve(registered, sp)));
    }

    private static object Resolve(ServiceDescriptor descriptor, IServiceProvider services) =>
        descriptor.ImplementationInstance
        ?? descriptor.ImplementationFactory?.Invoke(services)
        ?? ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType!);
}
