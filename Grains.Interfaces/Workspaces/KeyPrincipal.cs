using System.Collections.Immutable;

namespace Platform.Grains.Interfaces.Workspaces;

/// <summary>Who a valid API key speaks for: one workspace, one member, some scopes.</summary>
/// <param name="WorkspaceId">The only workspace this key can reach.</param>
/// <param name="KeyId">The key.</param>
/// <param name="UserId">The member it acts as.</param>
/// <param name="Scopes">Its scopes.</param>
/// <param name="Roles">The member's roles now (a key never outlives a member's demotion).</param>
[GenerateSerializer, Immutable, Alias("platform.KeyPrincipal")]
public sealed record KeyPrincipal(
    string WorkspaceId,
    string KeyId,
    string UserId,
    ImmutableSortedSet<ApiKeyScope> Scopes,
    ImmutableSortedSet<WorkspaceRole> Roles);
