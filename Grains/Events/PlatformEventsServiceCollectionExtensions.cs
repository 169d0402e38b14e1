using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Platform.Grains.Events;

/// <summary>Registers the event bus the platform publishes to.</summary>
public static class PlatformEventsServiceCollectionExtensions
{
    /// <summary>The configuration key naming the transport.</summary>
    public const string TransportKey = "Platform:Bus:Transport";

    /// <summary>
    /// Publishes platform events through MassTransit 8 (9.x is commercially licensed) on the transport named by
    /// <c>Platform:Bus:Transport</c>: <c>inmemory</c>, the default, for one process. Other transports (RabbitMQ for
    /// several machines) are selected here by the same key once they are added; an unknown name stops the host rather
    /// than silently dropping events.
    /// </summary>
    public static IServiceCollection AddPlatformEvents(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var transport = configuration[TransportKey] ?? "inmemory";
        services.AddMassTransit(bus =>
        {
            switch (transport.ToLowerInvariant())
            {
                case "inmemory":
                    bus.UsingInMemory(static (context, cfg) => cfg.ConfigureEndpoints(context));
                    break;
                default:
                    throw new InvalidOperationException($"{TransportKey} is '{transport}'; this build supports 'inmemory'.");
            }
        });

        // Replaces the no-op default whichever of this and AddPlatformGrains ran first.
        services.Replace(ServiceDescriptor.Singleton<IPlatformEvents, MassTransitPlatformEvents>());

        // With a bus present, the budget's announcements go on it (AddBudget's default announces nothing).
        services.Replace(ServiceDescriptor.Singleton<Budget.IBudgetEvents, PublishedBudgetEvents>());
        return services;
    }
}
