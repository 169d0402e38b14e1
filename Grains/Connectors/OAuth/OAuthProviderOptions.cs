using System.ComponentModel.DataAnnotations;

namespace Platform.Grains.Connectors.OAuth;

/// <summary>
/// One OAuth 2.0 provider a connector signs users in with (Slack, GitHub, ...), as registered with that provider.
/// A class, not a record: it holds the client secret, which a generated <c>ToString</c> would print.
/// </summary>
/// <remarks>
/// Every endpoint must be https, except http on a loopback host (a provider in a test, or a local development
/// server): the client secret, codes and tokens cross these connections, and the redirect URI receives the code.
/// </remarks>
public sealed class OAuthProviderOptions : IValidatableObject
{
    /// <summary>Where the user's browser is sent to sign in and consent (RFC 6749 3.1).</summary>
    [Required]
    public Uri? AuthorizationEndpoint { get; set; }

    /// <summary>Where codes and refresh tokens are exchanged for tokens (RFC 6749 3.2).</summary>
    [Required]
    public Uri? TokenEndpoint { get; set; }

    /// <summary>Where tokens are revoked when a connector is removed (RFC 7009); not every provider has one.</summary>
    public Uri? RevocationEndpoint { get; set; }

    /// <summary>The client id the provider issued to the platform.</summary>
    [Required(AllowEmptyStrings = false)]
    public string ClientId { get; set; } = "";

    /// <summary>The client secret the provider issued to the platform; never logged.</summary>
    [Required(AllowEmptyStrings = false)]
    public string ClientSecret { get; set; } = "";

    /// <summary>
    /// The provider's issuer identifier, for providers that send <c>iss</c> with the authorization response
    /// (RFC 9207). When set, a callback must carry exactly this <c>iss</c>: with several providers sharing one callback,
    /// that stops a code from one being replayed as if it came from another (the mix-up attack).
    /// </summary>
    public Uri? Issuer { get; set; }

    /// <summary>The platform's callback, exactly as registered with the provider.</summary>
    [Required]
    public Uri? RedirectUri { get; set; }

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, uri) in (IEnumerable<(string, Uri?)>)[
            (nameof(AuthorizationEndpoint), AuthorizationEndpoint),
            (nameof(TokenEndpoint), TokenEndpoint),
            (nameof(RevocationEndpoint), RevocationEndpoint),
            (nameof(RedirectUri), RedirectUri)])
        {
            if (uri is not null && !IsAcceptable(uri))
            {
                yield return new ValidationResult($"{name} must be an absolute https URI (http only on a loopback host), without a fragment.", [name]);
            }
        }

        if (ClientId.Any(char.IsControl) || ClientSecret.Any(char.IsControl))
        {
            yield return new ValidationResult("ClientId and ClientSecret must not contain control characters.", [nameof(ClientId), nameof(ClientSecret)]);
        }
    }

    /// <summary>Throws <see cref="ArgumentException"/> when these options are not valid (for options built in code).</summary>
    internal void EnsureValid()
    {
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(this, new ValidationContext(this), results, validateAllProperties: true))
        {
            // Messages name properties only, never values: one of them is the client secret.
            throw new ArgumentException("Invalid OAuth provider options: " + string.Join(" ", results.Select(r => r.ErrorMessage)));
        }
    }

    private static bool IsAcceptable(Uri uri) =>
        uri.IsAbsoluteUri
        && string.IsNullOrEmpty(uri.Fragment)
        && (uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback));
}
