namespace Platform.Grains.Events;

/// <summary>
/// Publishes platform events (approval requested, budget threshold crossed, run finished, ...) to whoever listens on the
/// bus. Grains do not call this themselves: they put events in their outbox (<see cref="EventOutbox"/>), whose publisher
/// calls it outside their turns. The seam keeps MassTransit out of the grains, so a silo without a bus still runs.
/// </summary>
public interface IPlatformEvents
{
    /// <summary>
    /// Publishes <paramref name="platformEvent"/> with message id <paramref name="eventId"/>; returns once the transport
    /// confirmed it, and throws when it did not within the transport's timeout.
    /// </summary>
    Task PublishAsync(Guid eventId, object platformEvent, CancellationToken cancellationToken = default);
}
