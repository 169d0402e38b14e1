using System.Buffers;
using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace Platform.Grains.Egress;

/// <summary>
/// How outbound HTTP may leave the platform (section <c>Platform:Egress</c>). Destinations that are not public
/// addresses (<see cref="NetworkAddressRules"/>) are refused unless the operator names them here; workspaces have no
/// say, so a tenant cannot point a webhook at the operator's network.
/// </summary>
public sealed class EgressOptions : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Platform:Egress";

    // A path, user info, query, fragment or space would make the entry more than an authority.
    private static readonly SearchValues<char> NotInAuthority = SearchValues.Create("/\\@?# ");

    /// <summary>
    /// <c>host:port</c> entries that may reach a non-public address, the host exactly as the URL names it (a name, an
    /// IPv4 literal, or an IPv6 literal in brackets: <c>[::1]:8080</c>). Matching the URL's host rather than the
    /// resolved address means allowing <c>127.0.0.1:8080</c> does not allow another name that resolves to it.
    /// </summary>
    public List<string> PrivateNetworkAllowlist { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var entry in PrivateNetworkAllowlist)
        {
            if (!TryParseEntry(entry, out _, out _))
            {
                yield return new ValidationResult(
                    $"{SectionName}:{nameof(PrivateNetworkAllowlist)}: '{entry}' is not host:port (a host name or IP literal and a port from 1 to 65535).",
                    [nameof(PrivateNetworkAllowlist)]);
            }
        }
    }

    /// <summary>Whether the operator allowed <paramref name="host"/> (as the URL names it) and <paramref name="port"/> to reach a non-public address.</summary>
    public bool AllowsPrivateNetwork(string host, int port)
    {
        ArgumentNullException.ThrowIfNull(host);
        var bare = Unbracket(host);
        foreach (var entry in PrivateNetworkAllowlist)
        {
            if (TryParseEntry(entry, out var allowedHost, out var allowedPort)
                && allowedPort == port
                && string.Equals(allowedHost, bare, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    // Parsed as a URL authority so the host is normalised the same way as the URL being requested (127.1 → 127.0.0.1).
    private static bool TryParseEntry(string? entry, out string host, out int port)
    {
        host = string.Empty;
        port = 0;
        if (string.IsNullOrWhiteSpace(entry) || entry.AsSpan().IndexOfAny(NotInAuthority) >= 0)
        {
            return false;
        }

        var colon = entry.LastIndexOf(':');
        if (colon <= 0
            || !int.TryParse(entry.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port)
            || port is < 1 or > 65535
            || !Uri.TryCreate("http://" + entry, UriKind.Absolute, out var uri)
            || uri.Port != port)
        {
            return false;
        }

        host = Unbracket(uri.IdnHost);
        return host.Length > 0;
    }

    private static string Unbracket(string host) =>
        host.Length > 1 && host[0] == '[' && host[^1] == ']' ? host[1..^1] : host;
}
