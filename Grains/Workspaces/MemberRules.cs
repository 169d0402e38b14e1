using System.Collections.Immutable;
using Platform.Grains.Interfaces.Workspaces;

namespace Platform.Grains.Workspaces;

/// <summary>
/// Who may change whose roles. The rules close role escalation: only an owner grants, removes or otherwise touches the
/// owner role or an owner; nobody changes their own roles (an owner who wants to step down asks another owner); the
/// last owner always stays. Each refusal says what the rule is and who can do it instead.
/// </summary>
public static class MemberRules
{
    /// <summary>Whether roles include workspace administration.</summary>
    public static bool IsAdmin(ImmutableSortedSet<WorkspaceRole> roles) => roles.Contains(WorkspaceRole.Admin) || roles.Contains(WorkspaceRole.Owner);

    /// <summary>
    /// Checks that a member with <paramref name="actorRoles"/> may give <paramref name="targetUserId"/> the roles
    /// <paramref name="newRoles"/> (<see langword="null"/>: remove them). <paramref name="existing"/> is the target as
    /// a member now, or <see langword="null"/> for someone new (an invitation or a first PUT).
    /// </summary>
    /// <param name="actorUserId">Who acts.</param>
    /// <param name="actorRoles">The actor's roles as the workspace knows them now.</param>
    /// <param name="targetUserId">Whose roles change.</param>
    /// <param name="existing">The target as a member now, if they are one.</param>
    /// <param name="newRoles">The roles they are to have; <see langword="null"/> removes them.</param>
    /// <param name="ownerCount">How many owners the workspace has now.</param>
    public static void EnsureMayChange(
        string actorUserId,
        ImmutableSortedSet<WorkspaceRole> actorRoles,
        string targetUserId,
        WorkspaceMember? existing,
        ImmutableSortedSet<WorkspaceRole>? newRoles,
        int ownerCount)
    {
        ArgumentNullException.ThrowIfNull(actorRoles);
        if (!IsAdmin(actorRoles))
        {
            throw new WorkspaceForbiddenException("Only an admin or an owner manages members.");
        }

        var actorIsOwner = actorRoles.Contains(WorkspaceRole.Owner);
        var targetIsOwner = existing?.Roles.Contains(WorkspaceRole.Owner) == true;
        if (!actorIsOwner && targetIsOwner)
        {
            throw new WorkspaceForbiddenException($"{targetUserId} is an owner; only an owner may change or remove an owner.");
        }

        if (!actorIsOwner && newRoles?.Contains(WorkspaceRole.Owner) == true)
        {
            throw new WorkspaceForbiddenException("Only an owner may grant the owner role.");
        }

        // Before the self-check: an owner removing or demoting themselves as the last owner learns the real obstacle.
        if (targetIsOwner && newRoles?.Contains(WorkspaceRole.Owner) != true && ownerCount <= 1)
        {
            throw new WorkspaceConflictException(newRoles is null
                ? "The last owner cannot be removed."
                : "The last owner cannot lose the owner role; make another member owner first.");
        }

        if (string.Equals(actorUserId, targetUserId, StringComparison.Ordinal) && (newRoles is null || existing is null || !existing.Roles.SetEquals(newRoles)))
        {
            throw new WorkspaceForbiddenException(newRoles is null
                ? "Nobody removes themselves from a workspace: ask another admin (for an owner, another owner)."
                : "Nobody changes their own roles: ask another admin (to add or drop owner, another owner).");
        }
    }
}
