using System.Net;
using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Logging;

namespace Platform.Grains.Egress;

/// <summary>
/// The primary handler for outbound HTTP to destinations a tenant chose: every new connection is checked after DNS
/// (<see cref="GuardedConnector"/>), and a refusal surfaces as <see cref="EgressRefusedException"/>.
/// </summary>
/// <remarks>
/// <para>Connection pooling stays on, deliberately. A pooled connection is keyed by scheme, host and port (the same key
/// the allowlist uses) and stays connected to the address that was checked when it was opened, so a later request on it
/// cannot reach anything the check would refuse; it only skips a fresh lookup. <see cref="PooledConnectionLifetime"/>
/// bounds how long a name's old answer is used at all.</para>
/// <para>The rest closes the other ways around the check: no proxy (the proxy would do the lookup and connect), no
/// redirects (a public URL could answer 302 to loopback), no cookies (no state shared between tenants' requests), no
/// decompression (a small answer cannot unpack into a large one), and no HTTP/3, whose QUIC connections do not go
/// through the connect callback.</para>
/// </remarks>
public sealed class GuardedHttpHandler : DelegatingHandler
{
    /// <summary>How long a pooled connection is reused before the host is resolved and checked again.</summary>
    public static readonly TimeSpan PooledConnectionLifetime = TimeSpan.FromMinutes(1);

    /// <summary>Creates the handler over real sockets.</summary>
    public GuardedHttpHandler(IHostResolver resolver, EgressOptions options, ILogger<GuardedHttpHandler> logger)
        : this(resolver, options, logger, GuardedConnector.ConnectSocketAsync)
    {
    }

    /// <summary>Creates the handler with <paramref name="connect"/> opening the checked endpoints (tests observe or redirect connections).</summary>
    internal GuardedHttpHandler(IHostResolver resolver, EgressOptions options, ILogger logger, Func<IPEndPoint, CancellationToken, ValueTask<Stream>> connect)
        : base(CreateSocketsHandler(new GuardedConnector(resolver, options, logger, connect)))
    {
    }

    /// <summary>The socket handler underneath, for inspection.</summary>
    internal SocketsHttpHandler Sockets => (SocketsHttpHandler)InnerHandler!;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Version.Major >= 3)
        {
            request.Version = HttpVersion.Version20;
        }

        if (request.VersionPolicy == HttpVersionPolicy.RequestVersionOrHigher)
        {
            request.VersionPolicy = HttpVersionPolicy.RequestVersionOrLower;
        }

        try
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e) when (e is not EgressRefusedException && FindRefusal(e) is { } refused)
        {
            // SocketsHttpHandler wraps whatever the connect callback throws; callers should see the refusal itself.
            ExceptionDispatchInfo.Throw(refused);
            throw;
        }
    }

    private static EgressRefusedException? FindRefusal(Exception e)
    {
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is EgressRefusedException refused)
            {
                return refused;
            }
        }

        return null;
    }

    private static SocketsHttpHandler CreateSocketsHandler(GuardedConnector connector) => new()
    {
        ConnectCallback = connector.ConnectAsync,
        UseProxy = false,
        AllowAutoRedirect = false,
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.None,
        PooledConnectionLifetime = PooledConnectionLifetime,
    };
}
