using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Platform.Grains.Connectors.OAuth;

/// <summary>
/// The first leg of the authorization code flow with PKCE (RFC 6749 4.1, RFC 7636): the URL the user's browser goes
/// to, and the state that ties the callback to the user who started it (RFC 6749 10.12, against login CSRF).
/// </summary>
public static class OAuthAuthorization
{
    /// <summary>
    /// Makes a fresh PKCE verifier and the authorization URL for <paramref name="provider"/>, asking for
    /// <paramref name="scope"/> (space-separated, as the provider spells it) and carrying <paramref name="state"/>.
    /// </summary>
    public static OAuthAuthorizationRequest Begin(OAuthProviderOptions provider, string scope, string state)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentException.ThrowIfNullOrWhiteSpace(scope);
        ArgumentException.ThrowIfNullOrEmpty(state);
        provider.EnsureValid();

        var verifier = Pkce.CreateVerifier();
        var url = BuildUrl(provider.AuthorizationEndpoint!, [
            ("response_type", "code"),
            ("client_id", provider.ClientId),
            ("redirect_uri", provider.RedirectUri!.AbsoluteUri),
            ("scope", scope),
            ("state", state),
            ("code_challenge", Pkce.ChallengeS256(verifier)),
            ("code_challenge_method", "S256"),
        ]);
        return new OAuthAuthorizationRequest(url, verifier, state);
    }

    /// <summary>An unguessable state value: 32 random bytes, base64url.</summary>
    public static string CreateState() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>Whether the state a callback brought back is the one issued, compared in constant time.</summary>
    public static bool StateMatches(string expected, string? received)
    {
        ArgumentException.ThrowIfNullOrEmpty(expected);
        return received is not null
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(received));
    }

    /// <summary>
    /// Appends the parameters to the endpoint, keeping any query it already has (RFC 6749 3.1 allows one), percent-
    /// encoded so that a space in the scope becomes %20.
    /// </summary>
    private static Uri BuildUrl(Uri endpoint, ReadOnlySpan<(string Name, string Value)> parameters)
    {
        var query = new StringBuilder(endpoint.Query.TrimStart('?'));
        foreach (var (name, value) in parameters)
        {
            if (query.Length > 0)
            {
                query.Append('&');
            }

            query.Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
        }

        return new UriBuilder(endpoint) { Query = query.ToString() }.Uri;
    }
}
