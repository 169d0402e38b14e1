using System.Collections.Immutable;
using Platform.Grains.Interfaces.Workspaces;

namespace Platform.Gateway.Apis;

/// <summary>A new key for the caller. Keys act as the person who holds them, so they are only ever made for oneself.</summary>
/// <param name="Name">What the key is for (1–100 characters).</param>
/// <param name="Scopes">At least one scope, within the caller's roles.</param>
/// <param name="ExpiresAt">When it stops working; omitted for never.</param>
/// <param name="UserId">Optional; if given it must be the caller's own user id (others get keys through invitations).</param>
internal sealed record CreateKeyRequest(string Name, ImmutableSortedSet<ApiKeyScope> Scopes, DateTimeOffset? ExpiresAt = null, string? UserId = null);
