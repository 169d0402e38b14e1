using System.Collections.Immutable;

namespace Platform.Grains.Interfaces.Workspaces;

/// <summary>A request for a new API key.</summary>
/// <param name="Name">What the key is for (1–100 characters).</param>
/// <param name="UserId">The member the key acts as; its scopes must fit that member's roles.</param>
/// <param name="Scopes">At least one scope.</param>
/// <param name="ExpiresAt">When it stops working, or <see langword="null"/> for never.</param>
[GenerateSerializer, Immutable, Alias("platform.CreateApiKey")]
public sealed record CreateApiKey(string Name, string UserId, ImmutableSortedSet<ApiKeyScope> Scopes, DateTimeOffset? ExpiresAt = null);
