namespace Platform.Gateway.Hosting;

/// <summary>
/// The security headers every response carries, error responses included. The gateway serves an API, so the policy is
/// the strictest one: nothing may be framed, loaded, sniffed or shared across origins, and nothing is cached. The API
/// reference page is the one exception to the content policy (<see cref="ApiReferencePage"/>).
/// </summary>
internal static class SecurityHeaders
{
    public const string ContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'";

    // Every powerful browser feature is off: an API response has no use for any of them.
    public const string PermissionsPolicy = "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()";

    /// <summary>One year, as browsers' preload lists ask; sent only over HTTPS (RFC 6797 says to ignore it over HTTP).</summary>
    public const string StrictTransportSecurity = "max-age=31536000; includeSubDomains";

    /// <summary>
    /// Writes the headers onto <paramref name="response"/>. <c>Cache-Control: no-store</c> goes on everything but the
    /// public OpenAPI document: keys, tokens and secret handles travel in API answers, and errors are never worth caching.
    /// </summary>
    public static void Apply(HttpResponse response)
    {
        var headers = response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers.ContentSecurityPolicy = ApiReferencePage.ContentSecurityPolicy(response.HttpContext) ?? ContentSecurityPolicy;
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers["Cross-Origin-Resource-Policy"] = "same-origin";
        headers["Permissions-Policy"] = PermissionsPolicy;
        if (response.HttpContext.Request.IsHttps)
        {
            headers.StrictTransportSecurity = StrictTransportSecurity;
        }

        if (!response.HttpContext.Request.Path.StartsWithSegments("/openapi", StringComparison.Ordinal))
        {
            headers.CacheControl = "no-store";
        }
    }
}
