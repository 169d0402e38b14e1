namespace Platform.Grains.Connectors.OAuth;

/// <summary>
/// A started authorization: the URL to send the user's browser to, and what the platform must keep (server-side,
/// with the user's pending connection) to finish it. A class, not a record, so the verifier is never printed by a
/// generated <c>ToString</c>.
/// </summary>
public sealed class OAuthAuthorizationRequest
{
    internal OAuthAuthorizationRequest(Uri url, string codeVerifier, string state)
    {
        Url = url;
        CodeVerifier = codeVerifier;
        State = state;
    }

    /// <summary>The provider's authorization URL with every parameter; safe to hand to the browser.</summary>
    public Uri Url { get; }

    /// <summary>The PKCE code verifier; a secret until the code is exchanged. Keep it server-side, never log it.</summary>
    public string CodeVerifier { get; }

    /// <summary>The state sent along, which the callback must echo back (compare with <see cref="OAuthAuthorization.StateMatches"/>).</summary>
    public string State { get; }
}
