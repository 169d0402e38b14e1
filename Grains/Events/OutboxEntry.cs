namespace Platform.Grains.Events;

/// <summary>
/// An event waiting in a grain's outbox, persisted with the state change it announces (in the same write), so the
/// change and its announcement are durable together. Its id is the message id on the bus, which consumers deduplicate by.
/// </summary>
public sealed class OutboxEntry
{
    public Guid EventId { get; set; }

    /// <summary>The event's name in <see cref="PlatformEventTypes"/>.</summary>
    public string EventType { get; set; } = "";

    /// <summary>The event as JSON.</summary>
    public string Payload { get; set; } = "";

    public DateTimeOffset RecordedAt { get; set; }
}
