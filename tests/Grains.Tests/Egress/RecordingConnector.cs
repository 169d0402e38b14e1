using System.Collections.Concurrent;
using System.Net;
using Platform.Grains.Egress;

namespace Platform.Grains.Tests.Egress;

/// <summary>
/// Opens the connections the guarded handler decided on, over real sockets, and records each endpoint. A "public"
/// address can be routed to a loopback server, so a test can play a public host without leaving the machine.
/// </summary>
public sealed class RecordingConnector
{
    private readonly ConcurrentQueue<IPEndPoint> _attempts = new();
    private readonly ConcurrentDictionary<IPAddress, IPAddress> _routes = new();

    /// <summary>Every endpoint a connection was opened to, in order.</summary>
    public IReadOnlyList<IPEndPoint> Attempts => [.. _attempts];

    /// <summary>Connections to <paramref name="from"/> go to <paramref name="to"/> (same port).</summary>
    public RecordingConnector Route(string from, string to)
    {
        _routes[IPAddress.Parse(from)] = IPAddress.Parse(to);
        return this;
    }

    public ValueTask<Stream> ConnectAsync(IPEndPoint endpoint, CancellationToken cancellationToken)
    {
        _attempts.Enqueue(endpoint);
        var target = _routes.TryGetValue(endpoint.Address, out var to) ? new IPEndPoint(to, endpoint.Port) : endpoint;
        return GuardedConnector.ConnectSocketAsync(target, cancellationToken);
    }
}
