using System.Net;
using Microsoft.Extensions.Options;

namespace Platform.Gateway.Hosting;

/// <summary>
/// Believes <c>X-Forwarded-For</c>/<c>-Proto</c> from the configured proxies only. ASP.NET Core trusts loopback by
/// default and, with both lists empty, every sender; both lists are replaced by the validated options, and with no
/// proxy configured no forwarded header is read at all.
/// </summary>
internal sealed class ForwardedHeadersSetup(IOptions<GatewayOptions> options) : IConfigureOptions<ForwardedHeadersOptions>
{
    public void Configure(ForwardedHeadersOptions forwarded)
    {
        var gateway = options.Value;
        forwarded.ForwardedHeaders = gateway.TrustsProxies
            ? Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedFor | Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedProto
            : Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.None;
        forwarded.KnownProxies.Clear();
        forwarded.KnownIPNetworks.Clear();
        foreach (var proxy in gateway.KnownProxies)
        {
            forwarded.KnownProxies.Add(IPAddress.Parse(proxy));
        }

        foreach (var network in gateway.KnownNetworks)
        {
            forwarded.KnownIPNetworks.Add(IPNetwork.Parse(network));
        }
    }
}
