using Platform.Grains.Interfaces.Connectors;

namespace Platform.Grains.Connectors;

/// <summary>A connector as persisted. Tokens are not here (they are in the secret store); the PKCE verifier is sealed.</summary>
public sealed class StoredConnector
{
    public string ConnectorId { get; set; } = "";

    public ConnectorKind Kind { get; set; }

    public string Name { get; set; } = "";

    public ConnectorStatus Status { get; set; }

    public string? StatusReason { get; set; }

    public List<string> Channels { get; set; } = [];

    public List<string> Repositories { get; set; } = [];

    public List<string> AllowedUrls { get; set; } = [];

    public string? AuthorizationSecret { get; set; }

    public string? GrantedScope { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? ConnectedAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    public DateTimeOffset? AccessExpiresAt { get; set; }

    public bool HasRefreshToken { get; set; }

    /// <summary>SHA-256 of the pending authorization's state (the state itself is only in the person's browser).</summary>
    public string? PendingStateHash { get; set; }

    /// <summary>SHA-256 of the nonce in the starting browser's cookie.</summary>
    public string? PendingBindingHash { get; set; }

    public string? PendingVerifierSealed { get; set; }

    /// <summary>SHA-256 of the confirmation code shown to a browser that did not start the authorization.</summary>
    public string? ConfirmationHash { get; set; }

    public DateTimeOffset? ConfirmationExpiresAt { get; set; }

    public int ConfirmationAttempts { get; set; }

    public DateTimeOffset? PendingExpiresAt { get; set; }

    /// <summary>Runs with a tool call on this connector that have not finished.</summary>
    public List<string> DependentRuns { get; set; } = [];
}
