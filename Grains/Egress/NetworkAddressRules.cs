using System.Net;
using System.Net.Sockets;

namespace Platform.Grains.Egress;

/// <summary>
/// Whether an address is a public destination. Outbound calls go to URLs a tenant (or its model) chose; without this
/// check such a URL could reach the operator's own network: the cloud metadata service at 169.254.169.254, a database
/// on 10.0.0.0/8, an admin port on loopback. IPv6 forms that carry an IPv4 address (mapped, compatible, SIIT, NAT64,
/// 6to4) are judged by that IPv4 address, because the network delivers them to it.
/// </summary>
public static class NetworkAddressRules
{
    // Order matters where ranges nest: broadcast before the reserved block that contains it.
    private static readonly (IPNetwork Network, string Reason)[] V4Ranges =
    [
        (IPNetwork.Parse("0.0.0.0/8"), "unspecified"),
        (IPNetwork.Parse("10.0.0.0/8"), "private"),
        (IPNetwork.Parse("100.64.0.0/10"), "carrier-grade NAT"),
        (IPNetwork.Parse("127.0.0.0/8"), "loopback"),
        (IPNetwork.Parse("169.254.0.0/16"), "link-local"),
        (IPNetwork.Parse("172.16.0.0/12"), "private"),
        (IPNetwork.Parse("192.0.0.0/24"), "IETF protocol assignment"),
        (IPNetwork.Parse("192.0.2.0/24"), "documentation"),
        (IPNetwork.Parse("192.88.99.0/24"), "reserved"),
        (IPNetwork.Parse("192.168.0.0/16"), "private"),
        (IPNetwork.Parse("198.18.0.0/15"), "benchmarking"),
        (IPNetwork.Parse("198.51.100.0/24"), "documentation"),
        (IPNetwork.Parse("203.0.113.0/24"), "documentation"),
        (IPNetwork.Parse("224.0.0.0/4"), "multicast"),
        (IPNetwork.Parse("255.255.255.255/32"), "broadcast"),
        (IPNetwork.Parse("240.0.0.0/4"), "reserved"),
    ];

    // Teredo is refused outright: its client address is obfuscated and reaching it depends on relays we do not control.
    private static readonly (IPNetwork Network, string Reason)[] V6Ranges =
    [
        (IPNetwork.Parse("::/128"), "unspecified"),
        (IPNetwork.Parse("::1/128"), "loopback"),
        (IPNetwork.Parse("64:ff9b:1::/48"), "private"),
        (IPNetwork.Parse("100::/64"), "discard-only"),
        (IPNetwork.Parse("2001::/32"), "Teredo"),
        (IPNetwork.Parse("2001:2::/48"), "benchmarking"),
        (IPNetwork.Parse("2001:db8::/32"), "documentation"),
        (IPNetwork.Parse("3fff::/20"), "documentation"),
        (IPNetwork.Parse("fc00::/7"), "private"),
        (IPNetwork.Parse("fe80::/10"), "link-local"),
        (IPNetwork.Parse("fec0::/10"), "site-local"),
        (IPNetwork.Parse("ff00::/8"), "multicast"),
    ];

    // Only 2000::/3 is allocated for global unicast; anything else left over is not a destination on the internet.
    private static readonly IPNetwork GlobalUnicastV6 = IPNetwork.Parse("2000::/3");

    /// <summary>Whether <paramref name="address"/> is a public internet destination.</summary>
    public static bool IsPublic(IPAddress address) => GetRefusalReason(address) is null;

    /// <summary>
    /// Why <paramref name="address"/> is not a public destination (a short phrase such as <c>loopback</c>,
    /// <c>link-local</c> or <c>private</c>), or <see langword="null"/> when it is public.
    /// </summary>
    public static string? GetRefusalReason(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return address.AddressFamily switch
        {
            AddressFamily.InterNetwork => Match(V4Ranges, address),
            AddressFamily.InterNetworkV6 when EmbeddedIPv4(address) is { } embedded => Match(V4Ranges, embedded),
            AddressFamily.InterNetworkV6 => Match(V6Ranges, address) ?? (GlobalUnicastV6.Contains(address) ? null : "reserved"),
            _ => "not an IP address",
        };
    }

    /// <summary>
    /// Why a URL's <paramref name="host"/> is known not to be public before any lookup (an IP literal, judged as
    /// <see cref="GetRefusalReason"/> does, or <c>localhost</c> and names under <c>.localhost</c>, which RFC 6761
    /// reserves for loopback), or <see langword="null"/>. Other names can only be judged by what they resolve to, which
    /// the guarded HTTP clients check on every connection.
    /// </summary>
    public static string? GetHostRefusalReason(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var bare = (host.Length > 1 && host[0] == '[' && host[^1] == ']' ? host[1..^1] : host).TrimEnd('.');
        if (IPAddress.TryParse(bare, out var literal))
        {
            return GetRefusalReason(literal);
        }

        return bare.Equals("localhost", StringComparison.OrdinalIgnoreCase) || bare.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)
            ? "loopback"
            : null;
    }

    private static string? Match((IPNetwork Network, string Reason)[] ranges, IPAddress address)
    {
        foreach (var (network, reason) in ranges)
        {
            if (network.Contains(address))
            {
                return reason;
            }
        }

        return null;
    }

    private static IPAddress? EmbeddedIPv4(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        ReadOnlySpan<byte> v4 = bytes[12..];
        if (bytes[..10].IndexOfAnyExcept((byte)0) < 0)
        {
            // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (compatible); :: and ::1 themselves are IPv6's own.
            var mapped = bytes[10] == 0xff && bytes[11] == 0xff;
            var compatible = bytes[10] == 0 && bytes[11] == 0 && (v4[..3].IndexOfAnyExcept((byte)0) >= 0 || v4[3] > 1);
            return mapped || compatible ? new IPAddress(v4) : null;
        }

        // ::ffff:0:a.b.c.d (SIIT) and 64:ff9b::a.b.c.d (the well-known NAT64 prefix).
        var siit = bytes[..8].IndexOfAnyExcept((byte)0) < 0 && bytes[8] == 0xff && bytes[9] == 0xff && bytes[10] == 0 && bytes[11] == 0;
        var nat64 = bytes[0] == 0 && bytes[1] == 0x64 && bytes[2] == 0xff && bytes[3] == 0x9b && bytes[4..12].IndexOfAnyExcept((byte)0) < 0;
        if (siit || nat64)
        {
            return new IPAddress(v4);
        }

        // 2002:aabb:ccdd::/48 (6to4) carries a.b.c.d in bits 16 to 47.
        return bytes[0] == 0x20 && bytes[1] == 0x02 ? new IPAddress(bytes[2..6]) : null;
    }
}
