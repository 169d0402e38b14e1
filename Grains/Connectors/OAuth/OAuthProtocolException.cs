using System.Net;

namespace Platform.Grains.Connectors.OAuth;

/// <summary>
/// The provider refused a token request (RFC 6749 5.2) or answered something that is not a valid token response. The
/// message names the endpoint's host, the status and the <c>error</c> code only: never a token, a code, a verifier, the
/// client secret or the raw body.
/// </summary>
// Serializable so that, thrown out of a grain method, it reaches a client on another silo with its type and properties.
[GenerateSerializer, Alias("platform.OAuthProtocolException")]
public sealed class OAuthProtocolException : Exception
{
    /// <summary>The <see cref="Error"/> used when the response was not a well-formed OAuth response at all.</summary>
    public const string InvalidResponse = "invalid_response";

    public OAuthProtocolException()
        : this(InvalidResponse, null, null, "The OAuth provider's response was not valid.")
    {
    }

    public OAuthProtocolException(string message)
        : this(InvalidResponse, null, null, message)
    {
    }

    public OAuthProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
        Error = InvalidResponse;
    }

    internal OAuthProtocolException(string error, string? errorDescription, HttpStatusCode? statusCode, string message)
        : base(message)
    {
        Error = error;
        ErrorDescription = errorDescription;
        StatusCode = statusCode;
    }

    /// <summary>The RFC 6749 5.2 <c>error</c> code (e.g. <c>invalid_grant</c>), or <see cref="InvalidResponse"/>.</summary>
    [Id(0)]
    public string Error { get; }

    /// <summary>The provider's <c>error_description</c>, if any (sanitized and shortened; not in <see cref="Exception.Message"/>).</summary>
    [Id(1)]
    public string? ErrorDescription { get; }

    /// <summary>The HTTP status of the response.</summary>
    [Id(2)]
    public HttpStatusCode? StatusCode { get; }

    /// <summary>
    /// The code, refresh token or verifier is invalid, expired, revoked or was issued to someone else: the user's
    /// authorization is gone and only a new sign-in helps. Retrying will not.
    /// </summary>
    public bool IsInvalidGrant => Error == "invalid_grant";
}
