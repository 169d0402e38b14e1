using System.Collections.Immutable;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Platform.Grains.Audit;
using Platform.Grains.Egress;
using Platform.Grains.Interfaces.Audit;
using Platform.Grains.Interfaces.Connectors;
using Platform.Grains.Interfaces.Models;
using Platform.Grains.Interfaces.Secrets;
using Platform.Grains.Interfaces.Security;
using Platform.Grains.Interfaces.Workspaces;
using Platform.Grains.Models;

namespace Platform.Grains.Workspaces;

/// <summary>
/// A workspace: members, policy, model settings and API keys. Changes are validated here (the gateway only maps HTTP)
/// and audited in the workspace's own log before they are acknowledged.
/// </summary>
// Pinned: stored rows and reminders are keyed by the grain type name, so a class rename must not change it.
[GrainType("workspace")]
public sealed partial class WorkspaceGrain(
    [PersistentState("workspace")] IPersistentState<WorkspaceState> workspace,
    ModelCatalogCache catalog,
    TimeProvider time,
    IOptions<EgressOptions> egress,
    IOptions<InvitationOptions> invitationOptions,
    KeyAuthenticationCache keyChecks,
    KeyCheckCacheClient otherSilosKeyChecks,
    ILogger<WorkspaceGrain> logger) : StringKeyedGrain, IWorkspaceGrain
{
    // The proxy reads these on every call; one immutable copy is shared until the workspace or the catalogue changes.
    private ResolvedProxySettings? _proxySettings;

    private WorkspaceState State => workspace.State;

    /// <summary>
    /// Writes the workspace. Any change may change what a key check answers (keys, members, roles, policy, model), so
    /// the checks remembered for the workspace are forgotten: on this silo before the write, on the others after it and
    /// before the change is acknowledged. The change is stored by then and must still be audited, so a silo that
    /// cannot be told is logged rather than failing the call; its remembered checks end within the cache's lifetime.
    /// </summary>
    private async Task SaveAsync()
    {
        keyChecks.Forget(PrimaryKey);
        await workspace.WriteStateAsync();
        try
        {
            await otherSilosKeyChecks.ForgetOnOtherSilosAsync(PrimaryKey);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            WorkspaceLog.ForgetOnOtherSilosFailed(logger, PrimaryKey, exception);
        }
    }

    private IWorkspaceRegistryGrain Registry => GrainFactory.GetGrain<IWorkspaceRegistryGrain>(WorkspaceRegistryGrain.Key);

    /// <summary>
    /// Wakes the operator's catalogue (prices come from it: the first workspace of the process makes it publish its
    /// entries to the cache every workspace reads from then on), and mends the registry after a crash between a change
    /// and its registration (and lists workspaces created before the registry existed). A registry failure must not keep
    /// the workspace from activating: it is logged and retried here next time.
    /// </summary>
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (catalog.Current is null)
        {
            // The catalogue grain publishes to the cache of its own silo; on another silo this one fills the cache.
            var view = await GrainFactory.GetGrain<IModelCatalogGrain>(IModelCatalogGrain.Key).GetAsync();
            catalog.PublishIfEmpty(view.Entries);
        }

        if (!State.Created)
        {
            return;
        }

        try
        {
            await (State.Deleted ? Registry.ForgetAsync(PrimaryKey) : Registry.RecordAsync(PrimaryKey, State.Name, State.CreatedAt));
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            WorkspaceLog.RegistryUpdateFailed(logger, PrimaryKey, exception);
        }
    }

    public async Task<WorkspaceCreated> CreateAsync(string name, string ownerUserId, string ownerDisplayName)
    {
        WorkspaceRules.ValidateName(name);
        WorkspaceRules.ValidateUserId(ownerUserId);
        WorkspaceRules.ValidateDisplayName(ownerDisplayName);
        if (State.Created)
        {
            throw new WorkspaceConflictException("The workspace exists already.");
        }

        var now = time.GetUtcNow();
        State.Created = true;
        State.Name = name;
        State.CreatedAt = now;
        State.Members[ownerUserId] = new WorkspaceMember(ownerUserId, ownerDisplayName, [WorkspaceRole.Owner, WorkspaceRole.Admin, WorkspaceRole.Approver, WorkspaceRole.Member], now);
        var (stored, created) = NewKey(new CreateApiKey("owner", ownerUserId, [ApiKeyScope.Admin, ApiKeyScope.Member, ApiKeyScope.Approver], null), now);
        State.Keys[stored.View.KeyId] = stored;
        await SaveAsync();
        await AuditAsync("workspace.created", "operator", $"Workspace '{name}' created with owner {ownerUserId}", ("owner", ownerUserId), ("key_id", stored.View.KeyId));
        await Registry.RecordAsync(PrimaryKey, name, now);
        return new WorkspaceCreated(PrimaryKey, created);
    }

    public Task<WorkspaceView> GetAsync()
    {
        EnsureLive();
        return Task.FromResult(View());
    }

    public Task<ProxySettings> GetProxySettingsAsync()
    {
        EnsureLive();
        return Task.FromResult(CurrentProxySettings());
    }

    private ProxySettings CurrentProxySettings()
    {
        var snapshot = Catalog;
        var cached = _proxySettings;
        if (cached is null || cached.CatalogVersion != snapshot.Version)
        {
            // An operator's price change bumps the version: the next call resolves again and pays the new price.
            cached = new ResolvedProxySettings(snapshot.Version, new ProxySettings(snapshot.Resolve(PrimaryKey, State.ModelChoice), State.Policy.AuditProxyContent, State.CreatedAt, State.Policy.EffectiveEgress));
            _proxySettings = cached;
        }

        return cached.Settings;
    }

    public Task<ImmutableArray<CatalogEntry>> GetModelsAsync()
    {
        EnsureLive();
        return Task.FromResult(Catalog.For(PrimaryKey));
    }

    public async Task<WorkspaceView> UpdateAsync(WorkspacePatch patch, string actor)
    {
        ArgumentNullException.ThrowIfNull(patch);
        EnsureLive();
        WorkspaceRules.Validate(patch);
        if (patch.WebhookAllowlist is { } allowlist)
        {
            // Refused now rather than after a human approved a post that the guarded client would then refuse.
            Platform.Grains.Tools.WebhookAllowlist.EnsureReachable(allowlist, egress.Value);
        }

        // First, before anything changes: a refused model choice leaves the whole patch unapplied.
        ModelChoice? choice = null;
        if (patch.Model is { } model)
        {
            // The catalogue checks the entry admits this workspace and the limit is within the entry's, and records the
            // use, so the operator cannot remove the entry under the workspace.
            var current = State.ModelChoice ?? new ModelChoice(CatalogEntry.DefaultId);
            choice = model.CatalogId is { } catalogId && catalogId != current.CatalogId
                ? new ModelChoice(catalogId, model.MaxOutputTokens)
                : current with { MaxOutputTokens = model.MaxOutputTokens ?? (model.CatalogId is null ? current.MaxOutputTokens : null) };
            var entry = await GrainFactory.GetGrain<IModelCatalogGrain>(IModelCatalogGrain.Key).UseAsync(PrimaryKey, choice);
            choice = choice with { MaxOutputTokens = choice.MaxOutputTokens == entry.MaxOutputTokens ? null : choice.MaxOutputTokens };
        }

        var changed = new List<string>();
        if (patch.Name is { } name && name != State.Name)
        {
            State.Name = name;
            changed.Add("name");
        }

        var policy = State.Policy;
        var newPolicy = policy with
        {
            ApprovalRequired = patch.ApprovalRequired ?? policy.ApprovalRequired,
            FourEyes = patch.FourEyes ?? policy.FourEyes,
            WebhookAllowlist = patch.WebhookAllowlist ?? policy.WebhookAllowlist,
            ApprovalExpiry = patch.ApprovalExpiry ?? policy.ApprovalExpiry,
            AuditProxyContent = patch.AuditProxyContent ?? policy.AuditProxyContent,
            Egress = patch.Egress ?? policy.Egress,
        };
        if (!PolicyEquals(newPolicy, policy))
        {
            State.Policy = newPolicy with { Version = policy.Version + 1 };
            changed.Add("policy");
        }

        if (choice is not null && (choice != (State.ModelChoice ?? new ModelChoice(CatalogEntry.DefaultId)) || State.Model is not null))
        {
            State.ModelChoice = choice;
            State.Model = null;
            changed.Add("model");
        }

        if (changed.Count > 0)
        {
            _proxySettings = null;
            await SaveAsync();
            await AuditAsync("workspace.updated", actor, $"Changed {string.Join(", ", changed)}", ("changed", string.Join(",", changed)), ("policy_version", State.Policy.Version.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            if (changed.Contains("name"))
            {
                await Registry.RecordAsync(PrimaryKey, State.Name, State.CreatedAt);
            }
        }

        return View();
    }

    public async Task<WorkspaceMember> PutMemberAsync(string userId, string displayName, ImmutableSortedSet<WorkspaceRole> roles, ActingMember actor)
    {
        EnsureLive();
        WorkspaceRules.ValidateUserId(userId);
        WorkspaceRules.ValidateDisplayName(displayName);
        ArgumentNullException.ThrowIfNull(roles);
        if (roles.IsEmpty)
        {
            throw new ArgumentException("A member needs at least one role.", nameof(roles));
        }

        var actorRoles = ActorRoles(actor);
        var existing = State.Members.GetValueOrDefault(userId);
        MemberRules.EnsureMayChange(actor.UserId, actorRoles, userId, existing, roles, OwnerCount());

        var member = new WorkspaceMember(userId, displayName, roles, existing?.AddedAt ?? time.GetUtcNow());
        State.Members[userId] = member;
        await SaveAsync();
        await AuditAsync(
            existing is null ? "member.added" : "member.changed",
            Actor(actor),
            $"Member {userId} has roles {string.Join(", ", roles)} (was {(existing is null ? "not a member" : string.Join(", ", existing.Roles))})",
            ("user_id", userId),
            ("roles_before", existing is null ? "" : string.Join(",", existing.Roles)),
            ("roles", string.Join(",", roles)),
            ("actor_key_id", actor.KeyId));
        return member;
    }

    public async Task RemoveMemberAsync(string userId, ActingMember actor)
    {
        EnsureLive();
        var actorRoles = ActorRoles(actor);
        if (!State.Members.TryGetValue(userId ?? "", out var member))
        {
            throw new WorkspaceNotFoundException($"No member '{userId}'.");
        }

        MemberRules.EnsureMayChange(actor.UserId, actorRoles, member.UserId, member, null, OwnerCount());
        State.Members.Remove(member.UserId);
        var now = time.GetUtcNow();
        var revoked = new List<string>();
        foreach (var key in State.Keys.Values.Where(k => k.View.UserId == member.UserId && k.View.RevokedAt is null))
        {
            key.View = key.View with { RevokedAt = now };
            revoked.Add(key.View.KeyId);
        }

        await SaveAsync();
        await AuditAsync(
            "member.removed",
            Actor(actor),
            $"Member {member.UserId} removed (had roles {string.Join(", ", member.Roles)}); {revoked.Count} key(s) revoked",
            ("user_id", member.UserId),
            ("roles_before", string.Join(",", member.Roles)),
            ("roles", ""),
            ("revoked_keys", string.Join(",", revoked)),
            ("actor_key_id", actor.KeyId));
    }

    public async Task<CreatedApiKey> CreateKeyAsync(CreateApiKey request, ActingMember actor)
    {
        ArgumentNullException.ThrowIfNull(request);
        EnsureLive();
        var now = time.GetUtcNow();
        WorkspaceRules.Validate(request, now);
        _ = ActorRoles(actor);
        if (!string.Equals(request.UserId, actor.UserId, StringComparison.Ordinal))
        {
            // Otherwise whoever minted it could act as that person: approve as them, or start runs they then approve.
            throw new WorkspaceForbiddenException(
                $"Keys are for the caller only: a key acts as the person who holds it, so this key can only make keys for {actor.UserId}. "
                + "To give someone else access, invite them (POST /api/invitations); they redeem the code for a key of their own.");
        }

        var member = State.Members[actor.UserId];
        var beyond = request.Scopes.Where(s => !WorkspaceRules.RolesAllow(member.Roles, s)).ToArray();
        if (beyond.Length > 0)
        {
            throw new ArgumentException($"Member {member.UserId} may not hold scope(s) {string.Join(", ", beyond)}.", nameof(request));
        }

        EnsureRoomForKey();
        var (stored, created) = NewKey(request, now);
        State.Keys[stored.View.KeyId] = stored;
        await SaveAsync();
        await AuditAsync("key.created", Actor(actor), $"Key '{request.Name}' created for {request.UserId}", ("key_id", stored.View.KeyId), ("user_id", request.UserId), ("scopes", string.Join(",", request.Scopes)), ("actor_key_id", actor.KeyId));
        return created;
    }

    public Task<ImmutableArray<ApiKeyView>> ListKeysAsync()
    {
        EnsureLive();
        return Task.FromResult(State.Keys.Values.Select(k => k.View).OrderBy(k => k.CreatedAt).ThenBy(k => k.KeyId, StringComparer.Ordinal).ToImmutableArray());
    }

    public async Task<ApiKeyView> RevokeKeyAsync(string keyId, ActingMember actor)
    {
        EnsureLive();
        var actorRoles = ActorRoles(actor);
        if (!State.Keys.TryGetValue(keyId ?? "", out var key))
        {
            throw new WorkspaceNotFoundException($"No key '{keyId}'.");
        }

        // An admin who cannot demote an owner must not lock one out either.
        var holderIsOwner = State.Members.GetValueOrDefault(key.View.UserId)?.Roles.Contains(WorkspaceRole.Owner) == true;
        if (holderIsOwner && !actorRoles.Contains(WorkspaceRole.Owner) && !string.Equals(key.View.UserId, actor.UserId, StringComparison.Ordinal))
        {
            throw new WorkspaceForbiddenException($"Key '{key.View.Name}' belongs to an owner; only an owner may revoke it.");
        }

        if (key.View.RevokedAt is null)
        {
            key.View = key.View with { RevokedAt = time.GetUtcNow() };
            await SaveAsync();
            await AuditAsync("key.revoked", Actor(actor), $"Key '{key.View.Name}' revoked", ("key_id", key.View.KeyId), ("actor_key_id", actor.KeyId));
        }

        return key.View;
    }

    public Task<AuthenticationResult> AuthenticateAsync(string keyId, string secret)
    {
        const string Refused = "The API key is not valid.";
        if (!State.Created || State.Deleted || !State.Keys.TryGetValue(keyId ?? "", out var key) || secret is null || !ApiKeyToken.Matches(key, secret))
        {
            return Task.FromResult(new AuthenticationResult(null, Refused));
        }

        if (key.View.RevokedAt is not null)
        {
            return Task.FromResult(new AuthenticationResult(null, "The API key was revoked."));
        }

        if (key.View.ExpiresAt is { } expires && expires <= time.GetUtcNow())
        {
            return Task.FromResult(new AuthenticationResult(null, "The API key has expired."));
        }

        if (!State.Members.TryGetValue(key.View.UserId, out var member))
        {
            return Task.FromResult(new AuthenticationResult(null, Refused));
        }

        var scopes = key.View.Scopes.Where(s => WorkspaceRules.RolesAllow(member.Roles, s)).ToImmutableSortedSet();
        var proxy = scopes.Contains(ApiKeyScope.Proxy) ? CurrentProxySettings() : null;
        return Task.FromResult(new AuthenticationResult(new KeyPrincipal(PrimaryKey, key.View.KeyId, member.UserId, scopes, member.Roles), null, proxy, key.View.ExpiresAt));
    }

    public async Task DeleteAsync(ActingMember actor)
    {
        EnsureLive();
        if (!ActorRoles(actor).Contains(WorkspaceRole.Owner))
        {
            throw new WorkspaceForbiddenException("Only an owner may delete the workspace.");
        }

        State.Deleted = true;
        var now = time.GetUtcNow();
        foreach (var key in State.Keys.Values.Where(k => k.View.RevokedAt is null))
        {
            key.View = key.View with { RevokedAt = now };
        }

        await SaveAsync();
        await AuditAsync("workspace.deleted", Actor(actor), "Workspace deleted; every key revoked and the data key destroyed", ("actor_key_id", actor.KeyId));
        await GrainFactory.GetGrain<IModelCatalogGrain>(IModelCatalogGrain.Key).ReleaseAsync(PrimaryKey);

        // Secret values go first (from storage and from the secrets grain's memory); then crypto-shredding: without its
        // data key, every sealed field of the workspace (runs, notes, any copy of a secret) is unreadable.
        try
        {
            await GrainFactory.GetGrain<IConnectorsGrain>(PrimaryKey).RevokeAllAsync(Actor(actor));
        }
        finally
        {
            // Whatever revoking connectors did, the shredding happens: a retry would find the workspace gone already.
            await GrainFactory.GetGrain<ISecretsGrain>(PrimaryKey).ForgetAllAsync();
            await GrainFactory.GetGrain<IWorkspaceKeyGrain>(PrimaryKey).DestroyAsync();
            await Registry.ForgetAsync(PrimaryKey);
        }
    }

    private (StoredApiKey Stored, CreatedApiKey Created) NewKey(CreateApiKey request, DateTimeOffset now)
    {
        var keyId = WorkspaceIds.NewKeyId();
        var (token, secret) = ApiKeyToken.Create(PrimaryKey, keyId);
        var salt = RandomNumberGenerator.GetBytes(16);
        var view = new ApiKeyView(keyId, request.Name, request.UserId, request.Scopes, now, request.ExpiresAt, null);
        return (new StoredApiKey { View = view, Salt = salt, SecretHash = ApiKeyToken.Hash(salt, secret) }, new CreatedApiKey(view, token));
    }

    private void EnsureLive()
    {
        if (!State.Created || State.Deleted)
        {
            // A deleted workspace and one that never existed look the same from outside.
            throw new WorkspaceNotFoundException("No such workspace.");
        }
    }

    /// <summary>
    /// The acting member's roles as this workspace knows them now: those the key was authenticated with and the member
    /// still holds. A key of a removed member, or a forged record, acts with no role at all.
    /// </summary>
    private ImmutableSortedSet<WorkspaceRole> ActorRoles(ActingMember actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (actor.Roles is null || !State.Members.TryGetValue(actor.UserId ?? "", out var member))
        {
            throw new WorkspaceForbiddenException("The caller is not a member of this workspace.");
        }

        return member.Roles.Intersect(actor.Roles);
    }

    private static string Actor(ActingMember actor) => $"user:{actor.UserId}";

    private void EnsureRoomForKey()
    {
        if (State.Keys.Count >= WorkspaceRules.MaxKeys)
        {
            throw new WorkspaceConflictException($"A workspace holds at most {WorkspaceRules.MaxKeys} keys; revoke or delete old ones.");
        }
    }

    private int OwnerCount() => State.Members.Values.Count(m => m.Roles.Contains(WorkspaceRole.Owner));

    private WorkspaceView View() => new(
        PrimaryKey,
        State.Name,
        State.CreatedAt,
        State.Members.Values.OrderBy(m => m.UserId, StringComparer.Ordinal).ToImmutableArray(),
        State.Policy,
        Catalog.Resolve(PrimaryKey, State.ModelChoice));

    // Loaded at activation (OnActivateAsync); the catalogue grain keeps it current.
    private ModelCatalogSnapshot Catalog => catalog.Current ?? throw new InvalidOperationException("The model catalogue was not loaded.");

    private static bool PolicyEquals(WorkspacePolicy a, WorkspacePolicy b) =>
        a.ApprovalRequired.SetEquals(b.ApprovalRequired)
        && a.FourEyes.SetEquals(b.FourEyes)
        && a.WebhookAllowlist.SequenceEqual(b.WebhookAllowlist)
        && a.ApprovalExpiry == b.ApprovalExpiry
        && a.AuditProxyContent == b.AuditProxyContent
        && a.EffectiveEgress == b.EffectiveEgress;

    private Task<AuditEntry> AuditAsync(string kind, string actor, string summary, params (string Key, string Value)[] details) =>
        GrainFactory.AuditAsync(PrimaryKey, kind, actor, summary, details);
}
