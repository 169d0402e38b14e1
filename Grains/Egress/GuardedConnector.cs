using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Logging;

namespace Platform.Grains.Egress;

/// <summary>
/// The <see cref="SocketsHttpHandler.ConnectCallback"/> of <see cref="GuardedHttpHandler"/>: resolves the host itself
/// on every new connection, refuses when any answer is not a public address (unless the operator allowed the host and
/// port), and connects to the very addresses it checked. Checking and connecting with one answer is what defeats DNS
/// rebinding: there is no second lookup an attacker's name server could answer differently.
/// </summary>
internal sealed class GuardedConnector(
    IHostResolver resolver,
    EgressOptions options,
    ILogger logger,
    Func<IPEndPoint, CancellationToken, ValueTask<Stream>> connect)
{
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var port = context.DnsEndPoint.Port;
        var addresses = await ResolveAsync(host, cancellationToken).ConfigureAwait(false);
        if (addresses.Count == 0)
        {
            throw new HttpRequestException(HttpRequestError.NameResolutionError, $"No address is known for {host}.");
        }

        // Every answer is checked, not only the first: the connection may fall through to any of them.
        if (!options.AllowsPrivateNetwork(host, port))
        {
            foreach (var address in addresses)
            {
                if (NetworkAddressRules.GetRefusalReason(address) is { } reason)
                {
                    EgressLog.Refused(logger, host, port, reason);
                    throw new EgressRefusedException(host, port, reason);
                }
            }
        }

        ExceptionDispatchInfo? last = null;
        foreach (var address in addresses)
        {
            try
            {
                return await connect(new IPEndPoint(address, port), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException or IOException)
            {
                last = ExceptionDispatchInfo.Capture(e);
            }
        }

        last!.Throw();
        throw new UnreachableException();
    }

    /// <summary>Connects a TCP socket to <paramref name="endpoint"/>.</summary>
    public static async ValueTask<Stream> ConnectSocketAsync(IPEndPoint endpoint, CancellationToken cancellationToken)
    {
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endpoint, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private async Task<IReadOnlyList<IPAddress>> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        // An IP literal is used as it is: resolving it could only return itself, or something else on an odd resolver.
        var bare = host.Length > 1 && host[0] == '[' && host[^1] == ']' ? host[1..^1] : host;
        return IPAddress.TryParse(bare, out var literal)
            ? [literal]
            : await resolver.ResolveAsync(host, cancellationToken).ConfigureAwait(false);
    }
}
