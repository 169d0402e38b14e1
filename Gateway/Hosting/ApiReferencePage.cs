using System.Security.Cryptography;
using Scalar.AspNetCore;

namespace Platform.Gateway.Hosting;

/// <summary>
/// The interactive API reference for partners (Scalar) at <see cref="Path"/>, over the gateway's own OpenAPI document,
/// served entirely from the gateway: its script comes from the package, not a CDN, its fonts are the browser's, and
/// its calls home (telemetry, the AI agent) are off.
/// It is the one page the gateway serves, so it gets its own content security policy: scripts only from this origin
/// and only with the response's nonce, requests ("try it") only to this origin.
/// </summary>
internal static class ApiReferencePage
{
    public const string Path = "/docs/api";

    private const string NonceItem = "platform.csp-nonce";

    public static WebApplication MapApiReference(this WebApplication app)
    {
        app.MapScalarApiReference(Path, static (options, context) => options
            .WithTitle("Platform API reference")
            .WithOpenApiRoutePattern("/openapi/{documentName}.json")
            .DisableDefaultFonts()

            // Nothing of a partner's session goes to Scalar's own services: no usage telemetry, no AI agent or MCP
            // helpers that would send the document (and a pasted key) to them, no toolbar linking to their cloud.
            .DisableTelemetry()
            .DisableAgent()
            .DisableMcp()
            .HideDeveloperTools()
            .AddPreferredSecuritySchemes(BearerSecurityScheme.Name)
            .WithNonce(Nonce(context)));
        return app;
    }

    /// <summary>The policy for a response under <see cref="Path"/>, or null for every other response (which keeps the strict one).</summary>
    public static string? ContentSecurityPolicy(HttpContext context) =>
        context.Request.Path.StartsWithSegments(Path, StringComparison.Ordinal)
            ? $"default-src 'none'; script-src 'self' 'nonce-{Nonce(context)}'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
            : null;

    /// <summary>
    /// This response's script nonce: 128 random bits in hex, made once per request. Hex rather than base64, whose '+'
    /// and '/' Scalar's page writes HTML-encoded: a browser decodes them, but a reader of the page source should see
    /// the same nonce as in the policy.
    /// </summary>
    private static string Nonce(HttpContext context)
    {
        if (context.Items[NonceItem] is string nonce)
        {
            return nonce;
        }

        nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        context.Items[NonceItem] = nonce;
        return nonce;
    }
}
