using System.Collections.Concurrent;
using System.Net;
using Platform.Grains.Egress;

namespace Platform.Grains.Tests.Egress;

/// <summary>DNS answers a test scripts per name: one answer per lookup, the last repeating; unknown names have none.</summary>
public sealed class ScriptedHostResolver : IHostResolver
{
    private readonly ConcurrentDictionary<string, Queue<IPAddress[]>> _answers = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentQueue<string> _lookups = new();

    /// <summary>Every name looked up, in order.</summary>
    public IReadOnlyList<string> Lookups => [.. _lookups];

    /// <summary>Scripts <paramref name="host"/> to answer <paramref name="answers"/> in turn, e.g. public then loopback.</summary>
    public ScriptedHostResolver Answer(string host, params string[][] answers)
    {
        _answers[host] = new Queue<IPAddress[]>(answers.Select(static a => a.Select(IPAddress.Parse).ToArray()));
        return this;
    }

    public Task<IReadOnlyList<IPAddress>> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        _lookups.Enqueue(host);
        if (!_answers.TryGetValue(host, out var queue))
        {
            return Task.FromResult<IReadOnlyList<IPAddress>>([]);
        }

        lock (queue)
        {
            return Task.FromResult<IReadOnlyList<IPAddress>>(queue.Count > 1 ? queue.Dequeue() : queue.Peek());
        }
    }
}
