using System.Collections.Immutable;

namespace Platform.Grains.Interfaces.Connectors;

/// <summary>A connector as people see it: its scope and state, never a token.</summary>
/// <param name="ConnectorId">Its id (<c>con</c> and 12 hex digits).</param>
/// <param name="Kind">What it reaches.</param>
/// <param name="Name">Its label.</param>
/// <param name="Status">Where it stands.</param>
/// <param name="StatusReason">Why it stands there, when not connected.</param>
/// <param name="Channels">Slack channels it may use.</param>
/// <param name="Repositories">GitHub repositories it may use.</param>
/// <param name="AllowedUrls">URL prefixes an HTTP connector may reach.</param>
/// <param name="AuthorizationSecret">The handle an HTTP connector sends as its bearer token, if any.</param>
/// <param name="GrantedScope">The OAuth scope the provider granted.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="ConnectedAt">When it was last authorized.</param>
/// <param name="RevokedAt">When it was revoked.</param>
[GenerateSerializer, Immutable, Alias("platform.ConnectorView")]
public sealed record ConnectorView(
    string ConnectorId,
    ConnectorKind Kind,
    string Name,
    ConnectorStatus Status,
    string? StatusReason,
    ImmutableArray<string> Channels,
    ImmutableArray<string> Repositories,
    ImmutableArray<string> AllowedUrls,
    string? AuthorizationSecret,
    string? GrantedScope,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ConnectedAt,
    DateTimeOffset? RevokedAt);
