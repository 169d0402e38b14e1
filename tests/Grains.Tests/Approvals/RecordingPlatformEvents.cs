using System.Collections.Concurrent;
using Platform.Grains.Events;

namespace Platform.Grains.Tests.Approvals;

/// <summary>Records published events in order, so tests can count them without a bus.</summary>
public sealed class RecordingPlatformEvents : IPlatformEvents
{
    public ConcurrentQueue<object> Published { get; } = new();

    public Task PublishAsync<T>(T platformEvent, CancellationToken cancellationToken = default)
        where T : class
    {
        Published.Enqueue(platformEvent);
        return Task.CompletedTask;
    }
}
