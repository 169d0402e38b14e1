using System.ComponentModel.DataAnnotations;
using System.Net;

namespace Platform.Gateway.Hosting;

/// <summary>Limits the gateway applies to every request (<c>Platform:Gateway</c>).</summary>
internal sealed class GatewayOptions : IValidatableObject
{
    /// <summary>The largest request body accepted.</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Requests per second each API key may make, sustained.</summary>
    [Range(1, 1_000_000)]
    public int RequestsPerSecondPerKey { get; set; } = 100;

    /// <summary>How many requests a key may make in a burst above the sustained rate.</summary>
    [Range(1, 1_000_000)]
    public int BurstPerKey { get; set; } = 200;

    /// <summary>
    /// Addresses of the reverse proxies whose <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> are believed
    /// (<c>Platform:Gateway:KnownProxies:0</c> = <c>10.0.0.5</c>). Empty (the default) trusts nobody's forwarded headers:
    /// the client address is the connection's, so no client can choose its own rate-limit bucket.
    /// </summary>
    public string[] KnownProxies { get; set; } = [];

    /// <summary>Networks of trusted proxies in CIDR form (<c>10.0.0.0/24</c>); as <see cref="KnownProxies"/>.</summary>
    public string[] KnownNetworks { get; set; } = [];

    /// <summary>Whether any proxy is trusted; without one the forwarded-headers middleware is not used at all.</summary>
    public bool TrustsProxies => KnownProxies.Length > 0 || KnownNetworks.Length > 0;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        for (var i = 0; i < KnownProxies.Length; i++)
        {
            if (!IPAddress.TryParse(KnownProxies[i], out _))
            {
                yield return new ValidationResult($"Platform:Gateway:KnownProxies:{i} is '{KnownProxies[i]}', which is not an IP address (such as 10.0.0.5 or ::1).", [nameof(KnownProxies)]);
            }
        }

        for (var i = 0; i < KnownNetworks.Length; i++)
        {
            if (!IPNetwork.TryParse(KnownNetworks[i], out _))
            {
                yield return new ValidationResult($"Platform:Gateway:KnownNetworks:{i} is '{KnownNetworks[i]}', which is not a network in CIDR form (such as 10.0.0.0/24).", [nameof(KnownNetworks)]);
            }
        }
    }
}
