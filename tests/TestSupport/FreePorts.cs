using System.Net;
using System.Net.Sockets;

namespace Platform.Testing;

/// <summary>
/// Loopback ports nobody listens on right now, for silos that bind real ports (a co-hosted silo in a gateway under
/// test or in a gateway process): tests run in parallel, and two silos on one port would not start.
/// </summary>
public static class FreePorts
{
    /// <summary>The configuration that gives a silo its own silo and gateway ports.</summary>
    public static Dictionary<string, string?> ForSilo() => new(StringComparer.Ordinal)
    {
        ["Silo:SiloPort"] = Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Silo:GatewayPort"] = Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>A port the operating system just handed out and took back.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
