using System.Collections.Concurrent;
using Platform.Grains.Events;

namespace Platform.Gateway.Tests;

/// <summary>Records what the platform publishes, in place of the bus, so a test can check which events a flow raised.</summary>
public sealed class RecordingPlatformEvents : IPlatformEvents
{
    private readonly ConcurrentQueue<object> _published = new();

    public IReadOnlyList<object> Published => [.. _published];

    public Task PublishAsync<T>(T platformEvent, CancellationToken cancellationToken) where T : class
    {
        _published.Enqueue(platformEvent);
        return Task.CompletedTask;
    }
}
