using System.Collections.Immutable;

namespace Platform.Grains.Interfaces.Workspaces;

/// <summary>
/// The person a request acts for, as the gateway authenticated them: taken from the presented API key, never from a
/// request body. The workspace checks it against its own member list before it uses the roles.
/// </summary>
/// <param name="UserId">The member the key belongs to.</param>
/// <param name="KeyId">The key that made the request (recorded in audit entries).</param>
/// <param name="Roles">The member's roles when the key was checked.</param>
[GenerateSerializer, Immutable, Alias("platform.ActingMember")]
public sealed record ActingMember(string UserId, string KeyId, ImmutableSortedSet<WorkspaceRole> Roles);
