using System.Collections.Immutable;

namespace Platform.Grains.Interfaces.Events;

/// <summary>
/// A grain that keeps the events it announces in an outbox in its own state until the bus has confirmed them. Its
/// publisher runs outside the grain's turn and reports back here, so a broker that is down never holds a grain call.
/// Called only by the silo's own publisher, acting for the grain's workspace.
/// </summary>
public interface IEventOutboxGrain : IGrainWithStringKey
{
    /// <summary>
    /// The bus confirmed <paramref name="published"/> (in order, the oldest first); <paramref name="failed"/> says the
    /// attempt stopped at an event it could not publish, which is retried later.
    /// </summary>
    Task AcknowledgeEventsAsync(ImmutableArray<Guid> published, bool failed);
}
