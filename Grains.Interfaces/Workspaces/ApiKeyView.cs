using System.Collections.Immutable;

namespace Platform.Grains.Interfaces.Workspaces;

/// <summary>An API key as listed: never its secret, which is shown once, at creation.</summary>
/// <param name="KeyId">The key's id (part of the token, not secret).</param>
/// <param name="Name">What the key is for.</param>
/// <param name="UserId">The member the key acts as.</param>
/// <param name="Scopes">What it may be used for.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="ExpiresAt">When it stops working, if ever.</param>
/// <param name="RevokedAt">When it was revoked, if it was.</param>
[GenerateSerializer, Immutable, Alias("platform.ApiKeyView")]
public sealed record ApiKeyView(
    string KeyId,
    string Name,
    string UserId,
    ImmutableSortedSet<ApiKeyScope> Scopes,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? RevokedAt);
