using System.Net;

namespace Platform.Grains.Egress;

/// <summary>
/// Resolves a host name to addresses. A seam so tests can script DNS answers (a name that resolves to loopback, or
/// to a public address first and loopback the next time, as a DNS rebinding attack would).
/// </summary>
public interface IHostResolver
{
    /// <summary>All addresses <paramref name="host"/> resolves to now; never cached by the caller.</summary>
    Task<IReadOnlyList<IPAddress>> ResolveAsync(string host, CancellationToken cancellationToken);
}
