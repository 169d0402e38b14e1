namespace Platform.Grains.Interfaces.Events;

/// <summary>
/// A connector of the workspace was revoked: from that write on no run can use it, and the runs that depended on it are
/// being stopped. Ids, kind, who and when only: never a token, a scope or the connector's settings.
/// </summary>
/// <param name="WorkspaceId">The workspace.</param>
/// <param name="ConnectorId">The connector.</param>
/// <param name="Kind">Its kind, e.g. <c>github</c> or <c>slack</c>.</param>
/// <param name="RevokedBy">Who revoked it (a member's user id, or <c>system</c>).</param>
/// <param name="StoppedRuns">How many runs depended on it and are stopped.</param>
/// <param name="RevokedAt">When.</param>
[GenerateSerializer, Immutable, Alias("platform.ConnectorRevoked")]
public sealed record ConnectorRevoked(
    string WorkspaceId,
    string ConnectorId,
    string Kind,
    string RevokedBy,
    int StoppedRuns,
    DateTimeOffset RevokedAt);
