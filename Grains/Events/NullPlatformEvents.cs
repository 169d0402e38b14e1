namespace Platform.Grains.Events;

/// <summary>Drops every event: the default until a bus is registered (<see cref="PlatformEventsServiceCollectionExtensions.AddPlatformEvents"/>).</summary>
public sealed class NullPlatformEvents : IPlatformEvents
{
    /// <inheritdoc />
    public Task PublishAsync(Guid eventId, object platformEvent, CancellationToken cancellationToken = default) => Task.CompletedTask;
}
