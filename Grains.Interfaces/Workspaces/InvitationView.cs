using System.Collections.Immutable;

namespace Platform.Grains.Interfaces.Workspaces;

/// <summary>A pending invitation as listed: never its code, which is shown once, when it is made.</summary>
/// <param name="InvitationId">Its id (part of the code, not secret).</param>
/// <param name="UserId">Who is invited.</param>
/// <param name="DisplayName">How they will be shown.</param>
/// <param name="Roles">The roles redemption grants.</param>
/// <param name="Scopes">The scopes of the key redemption answers.</param>
/// <param name="InvitedBy">The member who made the invitation.</param>
/// <param name="CreatedAt">When it was made.</param>
/// <param name="ExpiresAt">When the code stops working.</param>
[GenerateSerializer, Immutable, Alias("platform.InvitationView")]
public sealed record InvitationView(
    string InvitationId,
    string UserId,
    string DisplayName,
    ImmutableSortedSet<WorkspaceRole> Roles,
    ImmutableSortedSet<ApiKeyScope> Scopes,
    string InvitedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt);
