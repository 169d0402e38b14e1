using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Platform.Grains.Events;

/// <summary>Registers the event bus the platform publishes to.</summary>
public static class PlatformEventsServiceCollectionExtensions
{
    /// <summary>The configuration key naming the transport.</summary>
    public const string TransportKey = "Platform:Bus:Transport";

    /// <summary>
    /// Publishes platform events through MassTransit 8 (9.x is commercially licensed) on the transport named by
    /// <c>Platform:Bus:Transport</c>: <c>inmemory</c>, the default, for one process, or <c>rabbitmq</c> for several nodes
    /// (<see cref="RabbitMqBusOptions"/>). The settings are validated at start; an unknown transport stops the host rather
    /// than silently dropping events. Call it after <c>UseOrleans</c>: the bus stops before the silo
    /// (<see cref="BusStopsBeforeSilo"/>).
    /// </summary>
    public static IServiceCollection AddPlatformEvents(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<BusOptions>().Bind(configuration.GetSection(BusOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BusOptions>, BusOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<BusOptions>, RabbitMqPasswordFile>());

        // MassTransit's transport is chosen while the services are registered, before options exist, so the key is read
        // here too; the options' validation reports a wrong value in the same words.
        var transport = configuration[TransportKey] ?? "inmemory";
        services.AddMassTransit(bus =>
        {
            // Not a readiness check: a node whose broker is away keeps serving, its events waiting in the grains'
            // outboxes, so taking every node out of the load balancer for it would turn a bus outage into a full one.
            bus.ConfigureHealthCheckOptions(static health =>
            {
                health.Name = "bus";
                health.Tags.Clear();
                health.Tags.Add("bus");
                health.MinimalFailureStatus = HealthStatus.Degraded;
            });

            // A feed grain that is moving (a node died) refuses for seconds; redelivery outlasts that before the error queue.
            bus.AddConsumer<WorkspaceEventsConsumer>(static consumer => consumer.UseMessageRetry(static retry => retry.Intervals(200, 1_000, 5_000, 15_000, 30_000)))
                .Endpoint(static endpoint => endpoint.Name = WorkspaceEventsConsumer.QueueName);
            switch (transport.ToLowerInvariant())
            {
                case "inmemory":
                    bus.UsingInMemory(static (context, cfg) => cfg.ConfigureEndpoints(context));
                    break;
                case "rabbitmq":
                    bus.UsingRabbitMq(static (context, cfg) =>
                    {
                        var rabbit = context.GetRequiredService<IOptions<BusOptions>>().Value.RabbitMq;
                        cfg.Host(rabbit.Host, (ushort)rabbit.Port, rabbit.VirtualHost, host =>
                        {
                            host.Username(rabbit.Username);
                            host.Password(rabbit.Password);
                            host.PublisherConfirmation = true;
                        });
                        cfg.ConfigureEndpoints(context);
                    });
                    break;
                default:
                    throw new OptionsValidationException(BusOptions.SectionName, typeof(BusOptions), [$"{TransportKey} is '{transport}'; it must be 'inmemory' or 'rabbitmq'."]);
            }
        });

        // Replaces the no-op default whichever of this and AddPlatformGrains ran first.
        services.Replace(ServiceDescriptor.Singleton<IPlatformEvents, MassTransitPlatformEvents>());
        services.AddHostedService<BusStopsBeforeSilo>();
        return services;
    }
}
