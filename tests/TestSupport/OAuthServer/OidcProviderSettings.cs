using System.Security.Cryptography;

namespace Platform.Testing;

/// <summary>
/// How to start an <see cref="OidcProviderServer"/>: the one confidential client it knows and the tokens it issues.
/// A class rather than a record so that the client secret never shows up in a generated <c>ToString</c>.
/// </summary>
public sealed class OidcProviderSettings
{
    /// <summary>The registered client's id.</summary>
    public string ClientId { get; init; } = "platform-test-client";

    /// <summary>The registered client's secret (random per instance unless set); used with client_secret_basic.</summary>
    public string ClientSecret { get; init; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));

    /// <summary>
    /// Where the provider may send the user back. The default port is never listened on: the test browser stops at the
    /// redirect instead of requesting it, as a real browser would hand it to the platform.
    /// </summary>
    public IReadOnlyList<Uri> RedirectUris { get; init; } = [new("http://127.0.0.1:9/oauth/callback")];

    /// <summary>The API scopes the provider knows besides <c>openid</c> and <c>offline_access</c>.</summary>
    public IReadOnlyList<string> Scopes { get; init; } = ["chat:write", "channels:history", "repo", "read:file"];

    /// <summary>How long access tokens live (whole seconds).</summary>
    public TimeSpan AccessTokenLifetime { get; init; } = TimeSpan.FromHours(1);

    /// <summary>How long to wait for the server (and a first <c>npm ci</c>) before giving up.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromMinutes(3);
}
