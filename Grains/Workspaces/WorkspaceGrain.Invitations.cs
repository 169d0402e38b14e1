using System.Collections.Immutable;
using System.Globalization;
using System.Security.Cryptography;
using Platform.Grains.Interfaces.Workspaces;

namespace Platform.Grains.Workspaces;

/// <summary>
/// Invitations: how a person gets their first key without anyone else ever holding a key that acts as them. The member
/// is added on redemption, not before, so a pending invitation grants nothing (no approvals, no runs, no key).
/// </summary>
public sealed partial class WorkspaceGrain
{
    /// <summary>Pending invitations one workspace may hold.</summary>
    public const int MaxPendingInvitations = 100;

    public async Task<CreatedInvitation> InviteAsync(CreateInvitation request, ActingMember actor)
    {
        ArgumentNullException.ThrowIfNull(request);
        EnsureLive();
        WorkspaceRules.ValidateUserId(request.UserId);
        WorkspaceRules.ValidateDisplayName(request.DisplayName);
        if (request.Roles is null || request.Roles.IsEmpty || !request.Roles.All(Enum.IsDefined))
        {
            throw new ArgumentException("roles: an invitation needs at least one of member, approver, admin, owner.", nameof(request));
        }

        if (request.Scopes is null || request.Scopes.IsEmpty || !request.Scopes.All(Enum.IsDefined))
        {
            throw new ArgumentException("scopes: the invitee's key needs at least one of admin, member, approver, partner, proxy.", nameof(request));
        }

        var beyond = request.Scopes.Where(s => !WorkspaceRules.RolesAllow(request.Roles, s)).ToArray();
        if (beyond.Length > 0)
        {
            throw new ArgumentException($"scopes: roles {string.Join(", ", request.Roles)} do not allow scope(s) {string.Join(", ", beyond)}.", nameof(request));
        }

        var actorRoles = ActorRoles(actor);
        if (State.Members.ContainsKey(request.UserId))
        {
            throw new WorkspaceConflictException($"{request.UserId} is a member already; change their roles with PUT /api/members/{{userId}}.");
        }

        MemberRules.EnsureMayChange(actor.UserId, actorRoles, request.UserId, null, request.Roles, OwnerCount());
        var now = time.GetUtcNow();
        var pruned = PruneExpiredInvitations(now);
        if (State.Invitations.Values.FirstOrDefault(i => string.Equals(i.View.UserId, request.UserId, StringComparison.Ordinal)) is { } pending)
        {
            throw new WorkspaceConflictException($"{request.UserId} has a pending invitation ({pending.View.InvitationId}); withdraw it first (DELETE /api/invitations/{pending.View.InvitationId}).");
        }

        if (State.Invitations.Count >= MaxPendingInvitations)
        {
            throw new WorkspaceConflictException($"A workspace holds at most {MaxPendingInvitations} pending invitations; withdraw some or let them expire.");
        }

        var invitationId = InvitationCode.NewId();
        var (code, secret) = InvitationCode.Create(PrimaryKey, invitationId);
        var salt = RandomNumberGenerator.GetBytes(16);
        var view = new InvitationView(invitationId, request.UserId, request.DisplayName, request.Roles, request.Scopes, actor.UserId, now, now + invitationOptions.Value.Lifetime);
        State.Invitations[invitationId] = new StoredInvitation { View = view, Salt = salt, SecretHash = ApiKeyToken.Hash(salt, secret) };
        await SaveAsync();
        await AuditExpiredAsync(pruned);
        await AuditAsync(
            "invitation.created",
            Actor(actor),
            $"{request.UserId} invited with roles {string.Join(", ", request.Roles)}",
            ("invitation_id", invitationId),
            ("user_id", request.UserId),
            ("roles", string.Join(",", request.Roles)),
            ("scopes", string.Join(",", request.Scopes)),
            ("expires_at", view.ExpiresAt.ToString("O", CultureInfo.InvariantCulture)),
            ("actor_key_id", actor.KeyId));
        return new CreatedInvitation(view, code);
    }

    public Task<ImmutableArray<InvitationView>> ListInvitationsAsync()
    {
        EnsureLive();
        var now = time.GetUtcNow();
        return Task.FromResult(State.Invitations.Values
            .Select(static i => i.View)
            .Where(v => v.ExpiresAt > now)
            .OrderBy(static v => v.CreatedAt)
            .ThenBy(static v => v.InvitationId, StringComparer.Ordinal)
            .ToImmutableArray());
    }

    public Task<InvitationView> GetInvitationAsync(string invitationId)
    {
        EnsureLive();
        return Task.FromResult(FindPendingInvitation(invitationId).View);
    }

    public async Task WithdrawInvitationAsync(string invitationId, ActingMember actor)
    {
        EnsureLive();
        var actorRoles = ActorRoles(actor);
        if (!MemberRules.IsAdmin(actorRoles))
        {
            throw new WorkspaceForbiddenException("Only an admin or an owner manages invitations.");
        }

        var invitation = FindPendingInvitation(invitationId);
        if (invitation.View.Roles.Contains(WorkspaceRole.Owner) && !actorRoles.Contains(WorkspaceRole.Owner))
        {
            throw new WorkspaceForbiddenException("This invitation grants the owner role; only an owner may withdraw it.");
        }

        State.Invitations.Remove(invitation.View.InvitationId);
        await SaveAsync();
        await AuditAsync("invitation.withdrawn", Actor(actor), $"Invitation of {invitation.View.UserId} withdrawn", ("invitation_id", invitation.View.InvitationId), ("user_id", invitation.View.UserId), ("actor_key_id", actor.KeyId));
    }

    public async Task<RedeemedInvitation> RedeemInvitationAsync(string invitationId, string secret, string keyName)
    {
        // The key name is the invitee's own input and says nothing about the code, so it may be refused on its own.
        WorkspaceRules.ValidateKeyName(keyName);

        // Every other failure looks the same from outside: an unknown workspace, a deleted one, an unknown, used or
        // withdrawn invitation, a wrong secret, an expired code.
        if (!State.Created || State.Deleted || !State.Invitations.TryGetValue(invitationId ?? "", out var invitation) || secret is null)
        {
            throw new WorkspaceNotFoundException(InvitationCode.Refused);
        }

        var view = invitation.View;
        var now = time.GetUtcNow();
        var refusal = !CryptographicOperations.FixedTimeEquals(ApiKeyToken.Hash(invitation.Salt, secret), invitation.SecretHash) ? "wrong secret"
            : view.ExpiresAt <= now ? "expired"
            : State.Members.ContainsKey(view.UserId) ? "already a member"
            : !InviterMayStillGrant(view) ? "the inviter may no longer grant these roles"
            : null;
        if (refusal is not null)
        {
            // Someone holds this invitation's id: worth a line in the log, though the caller learns nothing.
            await AuditAsync("invitation.redeem_refused", "anonymous", $"A code for the invitation of {view.UserId} was refused", ("invitation_id", view.InvitationId), ("user_id", view.UserId), ("reason", refusal));
            throw new WorkspaceNotFoundException(InvitationCode.Refused);
        }

        EnsureRoomForKey();
        var member = new WorkspaceMember(view.UserId, view.DisplayName, view.Roles, now);
        State.Members[member.UserId] = member;
        var (stored, created) = NewKey(new CreateApiKey(keyName, member.UserId, view.Scopes, null), now);
        State.Keys[stored.View.KeyId] = stored;
        State.Invitations.Remove(view.InvitationId);
        await SaveAsync();

        // Who granted the roles is the inviter; who holds the key is the invitee alone.
        await AuditAsync(
            "member.added",
            $"user:{view.InvitedBy}",
            $"Member {member.UserId} has roles {string.Join(", ", member.Roles)} (was not a member), by invitation",
            ("user_id", member.UserId),
            ("roles_before", ""),
            ("roles", string.Join(",", member.Roles)),
            ("invitation_id", view.InvitationId));
        await AuditAsync(
            "invitation.redeemed",
            $"user:{member.UserId}",
            $"{member.UserId} redeemed their invitation; key '{keyName}' created",
            ("invitation_id", view.InvitationId),
            ("user_id", member.UserId),
            ("key_id", stored.View.KeyId),
            ("scopes", string.Join(",", view.Scopes)),
            ("invited_by", view.InvitedBy));
        return new RedeemedInvitation(PrimaryKey, member, created);
    }

    /// <summary>An invitation is only as good as its inviter: one removed or demoted since cannot still let someone in.</summary>
    private bool InviterMayStillGrant(InvitationView view) =>
        State.Members.TryGetValue(view.InvitedBy, out var inviter)
        && MemberRules.IsAdmin(inviter.Roles)
        && (!view.Roles.Contains(WorkspaceRole.Owner) || inviter.Roles.Contains(WorkspaceRole.Owner));

    private StoredInvitation FindPendingInvitation(string invitationId)
    {
        if (!InvitationCode.IsValidId(invitationId) || !State.Invitations.TryGetValue(invitationId, out var invitation) || invitation.View.ExpiresAt <= time.GetUtcNow())
        {
            throw new WorkspaceNotFoundException($"No pending invitation '{invitationId}'.");
        }

        return invitation;
    }

    /// <summary>Drops expired invitations from state (the caller writes it) and answers them for the audit log.</summary>
    private List<InvitationView> PruneExpiredInvitations(DateTimeOffset now)
    {
        var expired = State.Invitations.Values.Select(static i => i.View).Where(v => v.ExpiresAt <= now).ToList();
        foreach (var view in expired)
        {
            State.Invitations.Remove(view.InvitationId);
        }

        return expired;
    }

    private async Task AuditExpiredAsync(List<InvitationView> expired)
    {
        foreach (var view in expired)
        {
            await AuditAsync("invitation.expired", "system:expiry", $"Invitation of {view.UserId} expired unredeemed", ("invitation_id", view.InvitationId), ("user_id", view.UserId));
        }
    }
}
