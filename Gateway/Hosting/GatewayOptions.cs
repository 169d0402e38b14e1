using System.ComponentModel.DataAnnotations;

namespace Platform.Gateway.Hosting;

/// <summary>Limits the gateway applies to every request (<c>Platform:Gateway</c>).</summary>
internal sealed class GatewayOptions
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
}
