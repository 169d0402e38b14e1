using System.Collections.Immutable;

namespace Platform.Grains.Interfaces.Connectors;

/// <summary>
/// A workspace's connectors (key: workspace id): their granted scope, their OAuth state and which runs depend on them.
/// Tokens live in the workspace's secret store; this grain hands one out only to the tool executor, for one call,
/// after checking the connector is connected (refreshing the token first when it is about to expire).
/// </summary>
[Alias("platform.IConnectorsGrain")]
public interface IConnectorsGrain : IGrainWithStringKey
{
    /// <summary>Creates a connector with its scope; an HTTP connector is usable at once, others wait for authorization.</summary>
    Task<ConnectorView> CreateAsync(CreateConnector request, string actor);

    /// <summary>Every connector, newest last.</summary>
    Task<ImmutableArray<ConnectorView>> ListAsync();

    /// <summary>One connector; unknown ids are not found.</summary>
    Task<ConnectorView> GetAsync(string connectorId);

    /// <summary>
    /// Starts (or restarts) authorization code + PKCE for a connector that is pending or needs reconnecting.
    /// <paramref name="browserBindingHash"/> is the SHA-256 (hex) of a nonce the gateway keeps in the starting browser's
    /// cookie; the callback must bring the nonce, so a link forwarded to someone else's browser cannot complete it.
    /// </summary>
    Task<AuthorizationStart> BeginAuthorizationAsync(string connectorId, string actor, string browserBindingHash);

    /// <summary>
    /// The provider's redirect came back with <paramref name="code"/>: exchanges it (with the PKCE verifier) for tokens.
    /// An unknown, used or expired <paramref name="state"/> is refused and changes nothing. With the starting browser's
    /// binding the connector is connected; without it, it awaits confirmation (see <see cref="AuthorizationCompletion"/>).
    /// </summary>
    Task<AuthorizationCompletion> CompleteAuthorizationAsync(string state, string code, string? browserBinding, string? issuer);

    /// <summary>Confirms a connector awaiting confirmation with the code its authorizing browser was shown.</summary>
    Task<ConnectorView> ConfirmAsync(string connectorId, string confirmationCode, string actor);

    /// <summary>The provider's redirect came back with an error code (e.g. the person declined); the state is used up.</summary>
    Task<ConnectorView> FailAuthorizationAsync(string state, string providerError, string? browserBinding);

    /// <summary>Revokes a connector: dark from the next call on, tokens revoked at the provider and erased, dependent runs stopped.</summary>
    Task<ConnectorView> RevokeAsync(string connectorId, string actor);

    /// <summary>Revokes every connector (the workspace is being deleted): grants end at the providers too, not only here.</summary>
    Task RevokeAllAsync(string actor);

    /// <summary>For the tool executor: the connector and a valid token, or <see cref="ConnectorUnavailableException"/>.</summary>
    Task<ConnectorAccess> AcquireAsync(string connectorId, string runId);

    /// <summary>Records that a run has a tool call on this connector, so revoking it stops the run.</summary>
    Task DependOnAsync(string connectorId, string runId);

    /// <summary>Forgets a finished run's dependencies.</summary>
    Task ReleaseAsync(string runId);
}
