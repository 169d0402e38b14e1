using MassTransit;

namespace Platform.Grains.Events;

/// <summary>
/// Publishes through MassTransit. Takes <see cref="IBus"/> (a singleton) rather than the scoped
/// <see cref="IPublishEndpoint"/>, because grains are built from the root service provider, not from a request scope.
/// </summary>
public sealed class MassTransitPlatformEvents(IBus bus) : IPlatformEvents
{
    /// <inheritdoc />
    public Task PublishAsync<T>(T platformEvent, CancellationToken cancellationToken = default)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(platformEvent);
        return ((IPublishEndpoint)bus).Publish(platformEvent, cancellationToken);
    }
}
