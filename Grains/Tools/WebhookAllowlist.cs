namespace Platform.Grains.Tools;

/// <summary>
/// Whether a URL is on a workspace's webhook allowlist: same scheme, host and port as an entry, and a path inside the
/// entry's path at a segment boundary (<c>/hooks/a</c> allows <c>/hooks/a</c> and <c>/hooks/a/b</c>, not <c>/hooks/ab</c>).
/// </summary>
public static class WebhookAllowlist
{
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
