namespace Platform.Grains.Connectors;

/// <summary>
/// Why a connector call failed, in the few kinds a caller acts on differently: reconnect the account, correct the
/// arguments, wait, or give up. Providers' own codes are many and change; these do not.
/// </summary>
public enum ConnectorFailure
{
    /// <summary>The provider refused the token (wrong, revoked, expired, or the account is disabled): reconnect.</summary>
    Unauthorized,

    /// <summary>The channel, repository, issue or file does not exist, or this token may not see it.</summary>
    NotFound,

    /// <summary>The provider asks the caller to slow down; <see cref="ConnectorApiException.RetryAfter"/> says for how long when it is known.</summary>
    RateLimited,

    /// <summary>The request itself is wrong (bad repository name or path, a directory instead of a file, a validation error): retrying it unchanged will not help.</summary>
    Invalid,

    /// <summary>Anything else: the provider failed, answered something unexpected or too large, or could not be reached.</summary>
    Failed,
}
