namespace Platform.Grains.Events;

/// <summary>
/// Publishes platform events (approval requested, budget threshold crossed, run finished, ...) to whoever listens on the
/// bus. Grains depend on this seam rather than on MassTransit so a silo without a bus (tests, tools) still runs.
/// </summary>
public interface IPlatformEvents
{
    /// <summary>Publishes <paramref name="platformEvent"/>; returns once the transport accepted it.</summary>
    Task PublishAsync<T>(T platformEvent, CancellationToken cancellationToken = default)
        where T : class;
}
