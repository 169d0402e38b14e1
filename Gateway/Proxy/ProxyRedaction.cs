using System.Text;
using Platform.Grains.Egress;
using Platform.Grains.Interfaces.Workspaces;

namespace Platform.Gateway.Proxy;

/// <summary>Rewrites a chat request's JSON with the personal data the workspace redacts replaced in every string.</summary>
internal static class ProxyRedaction
{
    public static ReadOnlyMemory<byte> Redact(ReadOnlyMemory<byte> body, EgressPolicy policy)
    {
        var kinds = EgressGuard.KindsWith(policy, EgressAction.Redact);
        var json = JsonStrings.Map(Encoding.UTF8.GetString(body.Span), s => PiiScanner.Redact(s, kinds));
        return Encoding.UTF8.GetBytes(json);
    }
}
