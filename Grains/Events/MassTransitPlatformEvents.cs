using MassTransit;
using Microsoft.Extensions.Options;

namespace Platform.Grains.Events;

/// <summary>
/// Publishes through MassTransit with the outbox entry's id as the message id, waiting for the broker's confirmation at
/// most <see cref="BusOptions.PublishTimeout"/>. Takes <see cref="IBus"/> (a singleton) rather than the scoped
/// <see cref="IPublishEndpoint"/>, because the publisher runs outside any request scope.
/// </summary>
public sealed class MassTransitPlatformEvents(IBus bus, IOptions<BusOptions> options) : IPlatformEvents
{
    /// <inheritdoc />
    public async Task PublishAsync(Guid eventId, object platformEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(platformEvent);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.PublishTimeout);
        try
        {
            await bus.Publish(platformEvent, platformEvent.GetType(), Pipe.Execute<PublishContext>(context => context.MessageId = eventId), timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The bus did not confirm {platformEvent.GetType().Name} {eventId} within {options.Value.PublishTimeout.TotalSeconds:0} s.");
        }
    }
}
