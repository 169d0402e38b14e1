namespace Platform.Grains.Connectors.OAuth;

/// <summary>
/// A successful token response (RFC 6749 5.1). A class, not a record: the tokens are secrets and a generated
/// <c>ToString</c> would print them. Store them encrypted, never log them.
/// </summary>
public sealed class OAuthTokens
{
    internal OAuthTokens(string accessToken, string tokenType, string? refreshToken, DateTimeOffset? expiresAt, string? grantedScope)
    {
        AccessToken = accessToken;
        TokenType = tokenType;
        RefreshToken = refreshToken;
        ExpiresAt = expiresAt;
        GrantedScope = grantedScope;
    }

    /// <summary>The access token.</summary>
    public string AccessToken { get; }

    /// <summary>The token type as the provider spelled it (normally <c>Bearer</c>).</summary>
    public string TokenType { get; }

    /// <summary>
    /// The refresh token, when one was issued. After a refresh, <see langword="null"/> means the provider did not rotate
    /// it: keep using the previous one (RFC 6749 6).
    /// </summary>
    public string? RefreshToken { get; }

    /// <summary>
    /// When the access token expires, from <c>expires_in</c> counted from when the request was sent (so it errs early),
    /// or <see langword="null"/> when the provider did not say.
    /// </summary>
    public DateTimeOffset? ExpiresAt { get; }

    /// <summary>
    /// The scope the provider granted, which may be narrower than asked; <see langword="null"/> when the provider left
    /// it out, which RFC 6749 5.1 defines as "what was requested".
    /// </summary>
    public string? GrantedScope { get; }
}
