using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace Platform.Gateway.Hosting;

/// <summary>Applies <see cref="GatewayOptions.MaxRequestBodyBytes"/> to Kestrel, so oversize bodies are refused before they are read.</summary>
internal sealed class KestrelLimits(IOptions<GatewayOptions> options) : IConfigureOptions<KestrelServerOptions>
{
    public void Configure(KestrelServerOptions kestrel) => kestrel.Limits.MaxRequestBodySize = options.Value.MaxRequestBodyBytes;
}
