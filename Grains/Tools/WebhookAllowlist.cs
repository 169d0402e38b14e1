namespace Platform.Grains.Tools;

/// <summary>
/// Whether a URL is on a workspace's webhook allowlist: same scheme, host and port as an entry, and a path inside the
/// entry's path at a segment boundary (<c>/hooks/a</c> allows <c>/hooks/a</c> and <c>/hooks/a/b</c>, not <c>/hooks/ab</c>).
/// </summary>
public static class WebhookAllowlist
{
    /// <summary>Why a post to a URL off the allowlist is refused, for the model, the receipt and the audit.</summary>
    public const string NotOnAllowlist = "the URL is not on this workspace's webhook allowlist (an admin adds it with PATCH /api/workspace {\"webhookAllowlist\":[…]})";

    /// <summary>Why a <c>webhook.post</c> call with these canonical arguments may not even wait for approval, or null.</summary>
    public static string? CallRefusal(string canonicalArguments, IEnumerable<string> allowlist)
    {
        using var document = System.Text.Json.JsonDocument.Parse(canonicalArguments);
        return Uri.TryCreate(document.RootElement.GetProperty("url").GetString(), UriKind.Absolute, out var url) && IsAllowed(url, allowlist)
            ? null
            : NotOnAllowlist;
    }

    /// <summary>
    /// Refuses allowlist entries that could only reach a non-public address (a loopback, private or link-local IP
    /// literal, <c>localhost</c>) unless the operator's <see cref="Egress.EgressOptions.PrivateNetworkAllowlist"/> names
    /// their <c>host:port</c>: such an entry would be approved by a human and then refused at call time.
    /// </summary>
    public static void EnsureReachable(IEnumerable<string> entries, Egress.EgressOptions egress)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(egress);
        foreach (var entry in entries)
        {
            if (!Uri.TryCreate(entry, UriKind.Absolute, out var url))
            {
                continue;
            }

            if (Egress.NetworkAddressRules.GetHostRefusalReason(url.IdnHost) is { } reason && !egress.AllowsPrivateNetwork(url.IdnHost, url.Port))
            {
                var article = "aeiouAEIOU".Contains(reason[0], StringComparison.Ordinal) ? "an" : "a";
                throw new ArgumentException(
                    $"webhookAllowlist: '{entry}' points at {article} {reason} address ({url.Host}); webhooks reach only public addresses, unless the operator lists the host:port in Platform:Egress:PrivateNetworkAllowlist.",
                    nameof(entries));
            }
        }
    }

    public static bool IsAllowed(Uri target, IEnumerable<string> allowlist)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(allowlist);
        if (!target.IsAbsoluteUri || !string.IsNullOrEmpty(target.UserInfo) || (target.Scheme != Uri.UriSchemeHttp && target.Scheme != Uri.UriSchemeHttps) || IsAmbiguous(target))
        {
            return false;
        }

        foreach (var entry in allowlist)
        {
            if (!Uri.TryCreate(entry, UriKind.Absolute, out var allowed))
            {
                continue;
            }

            if (string.Equals(allowed.Scheme, target.Scheme, StringComparison.OrdinalIgnoreCase)
                && string.Equals(allowed.IdnHost, target.IdnHost, StringComparison.OrdinalIgnoreCase)
                && allowed.Port == target.Port
                && PathWithin(target.AbsolutePath, allowed.AbsolutePath))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Paths some servers resolve differently from .NET (<c>..;/</c>, an encoded slash, backslash or dot) could step out
    /// of an allowed prefix on the receiving side, so they are not allowed at all.
    /// </summary>
    private static bool IsAmbiguous(Uri target)
    {
        var path = target.AbsolutePath;
        return path.Contains(';', StringComparison.Ordinal)
            || path.Contains("%2f", StringComparison.OrdinalIgnoreCase)
            || path.Contains("%5c", StringComparison.OrdinalIgnoreCase)
            || path.Contains("%2e", StringComparison.OrdinalIgnoreCase)
            || path.Split('/').Any(static segment => segment.StartsWith("..", StringComparison.Ordinal));
    }

    private static bool PathWithin(string path, string prefix)
    {
        if (!path.StartsWith(prefix, StringComparison.Ordinal))
        {
            return false;
        }

        return path.Length == prefix.Length || prefix.EndsWith('/') || path[prefix.Length] == '/';
    }
}
