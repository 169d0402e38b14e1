using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Platform.Grains.Audit;
using Platform.Grains.Connectors.OAuth;
using Platform.Grains.Events;
using Platform.Grains.Interfaces.Connectors;
using Platform.Grains.Interfaces.Events;
using Platform.Grains.Interfaces.Runs;
using Platform.Grains.Interfaces.Secrets;
using Platform.Grains.Interfaces.Workspaces;
using Platform.Grains.Runs;
using Platform.Grains.Security;
using Platform.Silo.Isolation;

namespace Platform.Grains.Connectors;

/// <summary>
/// A workspace's connectors. OAuth ones go through authorization code + PKCE: the state names the workspace (so the
/// provider's redirect finds this grain) plus 32 random bytes, of which only a hash is kept; the PKCE verifier is
/// sealed with the workspace key. Tokens go to the secret store. Every use checks the status first, so revoking is
/// effective from the very next call, and revoking also stops the runs that depend on the connector.
/// </summary>
// Pinned: stored rows and reminders are keyed by the grain type name, so a class rename must not change it.
[GrainType("connectors")]
public sealed partial class ConnectorsGrain(
    [PersistentState("connectors")] IPersistentState<ConnectorsState> connectors,
    IServiceProvider services,
    IOptions<ConnectorsOptions> options,
    IPlatformEvents events,
    TimeProvider time,
    ILogger<ConnectorsGrain> logger) : StringKeyedGrain, IConnectorsGrain, IEventOutboxGrain, IRemindable
{
    private const string VerifierPurpose = "connector.pkce_verifier";

    private EventOutbox? _outbox;

    // Revocations are announced through the grain's own outbox, so the event is sent only once the revocation is durable.
    private EventOutbox Outbox => _outbox ??= new EventOutbox(this, PrimaryKey, () => connectors.State.Outbox, () => connectors.WriteStateAsync(), events, time, logger);

    private List<StoredConnector> Stored => connectors.State.Connectors;

    private ISecretsGrain Secrets => GrainFactory.GetGrain<ISecretsGrain>(PrimaryKey);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        Outbox.Resume();
        return Task.CompletedTask;
    }

    public Task AcknowledgeEventsAsync(ImmutableArray<Guid> published, bool failed) => Outbox.AcknowledgeAsync(published, failed);

    public Task ReceiveReminder(string reminderName, TickStatus status) =>
        reminderName == EventOutbox.ReminderName ? Outbox.OnReminderAsync() : Task.CompletedTask;

    public async Task<ConnectorView> CreateAsync(CreateConnector request, string actor)
    {
        var (channels, repositories, urls) = ConnectorRules.Validate(request);
        var provider = options.Value.For(request.Kind);
        if (provider is { IsConfigured: false })
        {
            throw new ArgumentException($"The operator has not set up {request.Kind} connectors on this platform.", nameof(request));
        }

        if (request.AuthorizationSecret is { } handle)
        {
            if (!SecretHandle.TryParse(handle, out var name) || !(await Secrets.ListAsync()).Any(s => s.Name == name))
            {
                throw new ArgumentException($"authorizationSecret names no secret of this workspace ('{handle}'); set it first.", nameof(request));
            }
        }

        if (Stored.Count(c => c.Status != ConnectorStatus.Revoked) >= ConnectorRules.MaxConnectors)
        {
            throw new WorkspaceConflictException($"The workspace holds {ConnectorRules.MaxConnectors} connectors, the most it may.");
        }

        var now = time.GetUtcNow();
        var connector = new StoredConnector
        {
            ConnectorId = ConnectorRules.NewId(),
            Kind = request.Kind,
            Name = request.Name,
            Status = provider is null ? ConnectorStatus.Connected : ConnectorStatus.PendingAuthorization,
            Channels = [.. channels],
            Repositories = [.. repositories],
            AllowedUrls = [.. urls],
            AuthorizationSecret = request.AuthorizationSecret,
            CreatedAt = now,
            ConnectedAt = provider is null ? now : null,
        };
        Stored.Add(connector);
        await connectors.WriteStateAsync();
        await AuditAsync("connector.created", actor, $"{connector.Kind} connector {connector.Name} created", connector, ("scope", ScopeText(connector)));
        return View(connector);
    }

    public Task<ImmutableArray<ConnectorView>> ListAsync() => Task.FromResult(Stored.Select(View).ToImmutableArray());

    public Task<ConnectorView> GetAsync(string connectorId) => Task.FromResult(View(Find(connectorId)));

    public async Task<AuthorizationStart> BeginAuthorizationAsync(string connectorId, string actor, string browserBindingHash)
    {
        if (browserBindingHash is not { Length: 64 } || !LowerHex.Is(browserBindingHash))
        {
            throw new ArgumentException("The browser binding is the SHA-256 of a nonce, in lower-case hex.", nameof(browserBindingHash));
        }

        var connector = Find(connectorId);
        if (options.Value.For(connector.Kind) is not { OAuth: { } oauth } provider)
        {
            throw new ArgumentException($"A {connector.Kind} connector needs no authorization.", nameof(connectorId));
        }

        if (connector.Status is not (ConnectorStatus.PendingAuthorization or ConnectorStatus.ReconnectNeeded or ConnectorStatus.AwaitingConfirmation))
        {
            throw new WorkspaceConflictException($"Connector {connector.Name} is {Describe(connector.Status)}; only a pending connector or one that needs reconnecting is authorized.");
        }

        var state = $"{PrimaryKey}.{connector.ConnectorId}.{OAuthAuthorization.CreateState()}";
        var request = OAuthAuthorization.Begin(oauth, provider.Scope, state);
        var expiresAt = time.GetUtcNow() + options.Value.AuthorizationLifetime;
        connector.PendingStateHash = Hash(state);
        connector.PendingBindingHash = browserBindingHash;
        connector.PendingVerifierSealed = await SealedJson.SealAsync(GrainFactory, PrimaryKey, VerifierPurpose, request.CodeVerifier);
        connector.PendingExpiresAt = expiresAt;
        await connectors.WriteStateAsync();
        await AuditAsync("connector.authorization_started", actor, $"Authorization of {connector.Name} started", connector);
        return new AuthorizationStart(request.Url, expiresAt);
    }

    public async Task<AuthorizationCompletion> CompleteAuthorizationAsync(string state, string code, string? browserBinding, string? issuer)
    {
        ArgumentException.ThrowIfNullOrEmpty(code);
        var connector = TakePending(state);
        var bound = IsBound(connector, browserBinding);
        if (options.Value.For(connector.Kind)?.OAuth?.Issuer is { } expected
            && !string.Equals(issuer?.TrimEnd('/'), expected.AbsoluteUri.TrimEnd('/'), StringComparison.Ordinal))
        {
            // Left pending: the real provider's redirect can still complete it.
            throw new ArgumentException($"The authorization response does not come from the {connector.Kind} provider (iss mismatch).", nameof(issuer));
        }

        var verifier = await SealedJson.OpenAsync<string>(GrainFactory, PrimaryKey, VerifierPurpose, connector.PendingVerifierSealed!);

        // The state is used up before the exchange: a replayed callback finds nothing, whatever the provider answers.
        ClearPending(connector);
        await connectors.WriteStateAsync();

        OAuthTokens tokens;
        try
        {
            tokens = await OAuth.ExchangeCodeAsync(options.Value.For(connector.Kind)!.OAuth!, code, verifier);
        }
        catch (OAuthProtocolException e)
        {
            await AuditAsync("connector.authorization_failed", "provider", $"Authorization of {connector.Name} failed: {e.Error}", connector, ("error", e.Error));
            throw new ArgumentException($"The provider refused the authorization code ({e.Error}); start the authorization again.", nameof(code), e);
        }

        await StoreTokensAsync(connector, tokens, fromCode: true);
        connector.GrantedScope = tokens.GrantedScope;
        if (!bound)
        {
            // Login CSRF: this browser did not start the authorization, so whose grant this is stays open until an
            // admin of the workspace confirms with the code shown only here. Until then the connector is unusable.
            var confirmation = RandomNumberGenerator.GetString("ABCDEFGHJKMNPQRSTVWXYZ23456789", 10);
            connector.Status = ConnectorStatus.AwaitingConfirmation;
            connector.StatusReason = "authorized in a browser that did not start the authorization; confirm with the code it was shown";
            connector.ConfirmationHash = Hash(confirmation);
            connector.ConfirmationExpiresAt = time.GetUtcNow() + options.Value.AuthorizationLifetime;
            connector.ConfirmationAttempts = 0;
            await connectors.WriteStateAsync();
            await AuditAsync("connector.awaiting_confirmation", "provider", $"{connector.Name} authorized in another browser; awaiting confirmation", connector);
            return new AuthorizationCompletion(View(connector), confirmation);
        }

        await MarkConnectedAsync(connector, "provider");
        return new AuthorizationCompletion(View(connector), null);
    }

    public async Task<ConnectorView> ConfirmAsync(string connectorId, string confirmationCode, string actor)
    {
        var connector = Find(connectorId);
        if (connector.Status != ConnectorStatus.AwaitingConfirmation || connector.ConfirmationHash is not { } expected)
        {
            throw new WorkspaceConflictException($"Connector {connector.Name} is not awaiting confirmation.");
        }

        if (connector.ConfirmationExpiresAt < time.GetUtcNow() || connector.ConfirmationAttempts >= 5)
        {
            throw new ArgumentException("The confirmation code has expired or was tried too often; start the authorization again.", nameof(confirmationCode));
        }

        if (confirmationCode is not { Length: > 0 and <= 64 } || !Same(expected, Hash(confirmationCode.Trim().ToUpperInvariant())))
        {
            connector.ConfirmationAttempts++;
            await connectors.WriteStateAsync();
            throw new ArgumentException("The confirmation code is wrong.", nameof(confirmationCode));
        }

        await MarkConnectedAsync(connector, actor);
        return View(connector);
    }

    private async Task MarkConnectedAsync(StoredConnector connector, string actor)
    {
        connector.Status = ConnectorStatus.Connected;
        connector.StatusReason = null;
        connector.ConfirmationHash = null;
        connector.ConfirmationExpiresAt = null;
        connector.ConnectedAt = time.GetUtcNow();
        await connectors.WriteStateAsync();
        await AuditAsync("connector.connected", actor, $"{connector.Name} connected", connector, ("granted_scope", connector.GrantedScope ?? ""));
    }

    public async Task<ConnectorView> FailAuthorizationAsync(string state, string providerError, string? browserBinding)
    {
        var connector = TakePending(state);
        if (!IsBound(connector, browserBinding))
        {
            // Only the starting browser may end an authorization; a forwarded link cannot spoil it.
            throw new ArgumentException("This browser did not start the authorization.", nameof(browserBinding));
        }

        ClearPending(connector);
        await connectors.WriteStateAsync();
        var code = providerError is { Length: > 0 and <= 64 } && providerError.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') ? providerError : "invalid_error";
        await AuditAsync("connector.authorization_failed", "provider", $"Authorization of {connector.Name} failed: {code}", connector, ("error", code));
        return View(connector);
    }

    public Task<ConnectorView> RevokeAsync(string connectorId, string actor) => RevokeCoreAsync(connectorId, actor, providerInBackground: false);

    private async Task<ConnectorView> RevokeCoreAsync(string connectorId, string actor, bool providerInBackground)
    {
        var connector = Find(connectorId);
        var alreadyRevoked = connector.Status == ConnectorStatus.Revoked;
        var tokenNames = (await Secrets.ListAsync()).Where(s => s.ManagedBy == ManagedBy(connector)).Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        if (alreadyRevoked && connector.DependentRuns.Count == 0 && tokenNames.Count == 0)
        {
            return View(connector);
        }

        // Dark first: from this write on, AcquireAsync and DependOnAsync refuse, whatever the provider says. The clean-up
        // after it (provider, tokens, runs) is recorded as pending until it is done, so revoking again finishes it after
        // a crash or a failure halfway.
        if (!alreadyRevoked)
        {
            connector.Status = ConnectorStatus.Revoked;
            connector.StatusReason = $"revoked by {actor}";
            connector.RevokedAt = time.GetUtcNow();
            ClearPending(connector);
            Outbox.Add(new ConnectorRevoked(PrimaryKey, connector.ConnectorId, connector.Kind.ToString().ToLowerInvariant(), actor, connector.DependentRuns.Count, connector.RevokedAt.Value));
            await Outbox.ArmAsync();
            await connectors.WriteStateAsync();
            Outbox.Publish();
        }

        if (options.Value.For(connector.Kind)?.OAuth is { } oauth && tokenNames.Count > 0)
        {
            await RevokeAtProviderAsync(connector, oauth, tokenNames, providerInBackground);
        }

        await Secrets.DeleteManagedAsync(ManagedBy(connector));
        var runs = connector.DependentRuns.ToList();
        if (!alreadyRevoked)
        {
            await AuditAsync("connector.revoked", actor, $"{connector.Name} revoked", connector, ("stopped_runs", string.Join(",", runs)));
        }

        StopRunsInBackground(runs, $"Stopped: connector {connector.Name} ({connector.ConnectorId}) was revoked by {actor}.");
        connector.DependentRuns.Clear();
        connector.HasRefreshToken = false;
        connector.AccessExpiresAt = null;
        await connectors.WriteStateAsync();
        return View(connector);
    }

    public async Task RevokeAllAsync(string actor)
    {
        foreach (var connectorId in Stored.Select(c => c.ConnectorId).ToList())
        {
            try
            {
                await RevokeCoreAsync(connectorId, actor, providerInBackground: true);
            }
            catch (Exception e) when (e is not (InconsistentStateException or StorageUnavailableException))
            {
                // One connector's failure must not keep the others (or the workspace's shredding) from going ahead.
                LogProviderRevocationFailed(logger, PrimaryKey, connectorId, e.GetType().Name);
            }
        }
    }

    public async Task<ConnectorAccess> AcquireAsync(string connectorId, string runId)
    {
        var connector = Stored.Find(c => c.ConnectorId == connectorId)
            ?? throw new ConnectorUnavailableException($"This workspace has no connector '{connectorId}'.");
        if (connector.Status != ConnectorStatus.Connected)
        {
            throw new ConnectorUnavailableException($"Connector {connector.Name} is {Describe(connector.Status)}.");
        }

        await TrackAsync(connector, runId);
        if (options.Value.For(connector.Kind)?.OAuth is not { } oauth)
        {
            var token = connector.AuthorizationSecret is { } handle ? await Secrets.ResolveAsync(handle, $"run:{runId}") : null;
            return new ConnectorAccess(View(connector), token);
        }

        if (connector.AccessExpiresAt is { } expires && expires - time.GetUtcNow() < options.Value.RefreshMargin)
        {
            await RefreshAsync(connector, oauth);
        }

        return new ConnectorAccess(View(connector), await Secrets.ResolveAsync(AccessName(connector), $"run:{runId}"));
    }

    public async Task DependOnAsync(string connectorId, string runId)
    {
        // Checked and recorded in one turn of this grain: a revocation cannot fall between the check and the record.
        var connector = Stored.Find(c => c.ConnectorId == connectorId)
            ?? throw new ConnectorUnavailableException($"This workspace has no connector '{connectorId}'.");
        if (connector.Status != ConnectorStatus.Connected)
        {
            throw new ConnectorUnavailableException($"Connector {connector.Name} is {Describe(connector.Status)}.");
        }

        await TrackAsync(connector, runId);
    }

    public async Task ReleaseAsync(string runId)
    {
        var changed = false;
        foreach (var connector in Stored)
        {
            changed |= connector.DependentRuns.Remove(runId);
        }

        if (changed)
        {
            await connectors.WriteStateAsync();
        }
    }

    private OAuthClient OAuth => services.GetRequiredService<OAuthClient>();

    private async Task TrackAsync(StoredConnector connector, string runId)
    {
        if (!connector.DependentRuns.Contains(runId))
        {
            connector.DependentRuns.Add(runId);
            await connectors.WriteStateAsync();
        }
    }

    private async Task RefreshAsync(StoredConnector connector, OAuthProviderOptions oauth)
    {
        if (!connector.HasRefreshToken)
        {
            await NeedReconnectAsync(connector, "the access token expired and the provider gave no refresh token");
            throw new ConnectorUnavailableException($"Connector {connector.Name} needs reconnecting: its access expired.");
        }

        OAuthTokens tokens;
        try
        {
            tokens = await OAuth.RefreshAsync(oauth, await Secrets.ResolveAsync(RefreshName(connector), "connector refresh"));
        }
        catch (WorkspaceNotFoundException e)
        {
            await NeedReconnectAsync(connector, "its refresh token is gone");
            throw new ConnectorUnavailableException($"Connector {connector.Name} needs reconnecting: its refresh token is gone.", e);
        }
        catch (OAuthProtocolException e) when (e.IsInvalidGrant)
        {
            await NeedReconnectAsync(connector, "the provider refused to refresh its grant (invalid_grant)");
            throw new ConnectorUnavailableException($"Connector {connector.Name} needs reconnecting: the provider no longer honours its grant.", e);
        }
        catch (Exception e) when (e is OAuthProtocolException or HttpRequestException or TaskCanceledException)
        {
            LogRefreshFailed(logger, PrimaryKey, connector.ConnectorId, e.GetType().Name);
            throw new ConnectorUnavailableException($"Connector {connector.Name} could not refresh its token; try again later.", e);
        }

        await StoreTokensAsync(connector, tokens, fromCode: false);
        await connectors.WriteStateAsync();
        await AuditAsync("connector.refreshed", "platform", $"{connector.Name}: token refreshed", connector);
    }

    private async Task NeedReconnectAsync(StoredConnector connector, string reason)
    {
        connector.Status = ConnectorStatus.ReconnectNeeded;
        connector.StatusReason = reason;
        connector.HasRefreshToken = false;
        await connectors.WriteStateAsync();
        await Secrets.DeleteManagedAsync(ManagedBy(connector));
        await AuditAsync("connector.reconnect_needed", "provider", $"{connector.Name} needs reconnecting: {reason}", connector);
    }

    private async Task StoreTokensAsync(StoredConnector connector, OAuthTokens tokens, bool fromCode)
    {
        if (fromCode)
        {
            // A new grant: nothing of an earlier one (say, before "reconnect needed") may linger.
            await Secrets.DeleteManagedAsync(ManagedBy(connector));
            connector.HasRefreshToken = false;
        }

        await Secrets.SetManagedAsync(AccessName(connector), tokens.AccessToken, ManagedBy(connector));

        // A refresh that brings no new refresh token leaves the current one in force (providers need not rotate it).
        if (tokens.RefreshToken is { } refresh)
        {
            await Secrets.SetManagedAsync(RefreshName(connector), refresh, ManagedBy(connector));
            connector.HasRefreshToken = true;
        }

        connector.AccessExpiresAt = tokens.ExpiresAt;
    }

    private async Task RevokeAtProviderAsync(StoredConnector connector, OAuthProviderOptions oauth, HashSet<string> existing, bool inBackground)
    {
        // Each token that still exists is revoked on its own (the refresh token ends the whole grant at RFC 7009
        // providers), so a missing or refused one does not keep the other alive.
        var tokens = new List<(string Value, string Hint)>();
        foreach (var (name, hint) in new[] { (RefreshName(connector), "refresh_token"), (AccessName(connector), "access_token") })
        {
            if (existing.Contains(name))
            {
                tokens.Add((await Secrets.ResolveAsync(name, "connector revocation"), hint));
            }
        }

        var client = OAuth;
        var workspaceId = PrimaryKey;
        var connectorId = connector.ConnectorId;
        async Task RevokeTokensAsync()
        {
            foreach (var (value, hint) in tokens)
            {
                try
                {
                    await client.RevokeAsync(oauth, value, hint);
                }
                catch (Exception e) when (e is OAuthProtocolException or HttpRequestException or TaskCanceledException)
                {
                    // The connector is dark here whatever the provider answers; a failed provider call is logged, not fatal.
                    LogProviderRevocationFailed(logger, workspaceId, connectorId, e.GetType().Name);
                }
            }
        }

        if (!inBackground)
        {
            await RevokeTokensAsync();
            return;
        }

        // Deleting a workspace revokes every connector; provider round trips must not hold that call past its timeout.
        TenantContext.RunDetached(workspaceId, RevokeTokensAsync);
    }

    private void StopRunsInBackground(List<string> runIds, string notice)
    {
        if (runIds.Count == 0)
        {
            return;
        }

        // Off this call chain: a run may be calling this grain right now, and waiting for it here would deadlock.
        var runs = runIds.Select(r => GrainFactory.GetGrain<IAgentRunGrain>(RunIds.GrainKey(PrimaryKey, r))).ToList();
        var workspaceId = PrimaryKey;
        TenantContext.RunDetached(workspaceId, async () =>
        {
            foreach (var run in runs)
            {
                try
                {
                    await run.StopAsync(notice);
                }
                catch (Exception e)
                {
                    LogStopRunFailed(logger, workspaceId, e.GetType().Name);
                }
            }
        });
    }

    private StoredConnector TakePending(string state)
    {
        var hash = state is { Length: > 0 and <= 512 } ? Hash(state) : "";
        var connector = Stored.Find(c => c.PendingStateHash is { } h && Same(h, hash));
        if (connector is null || connector.PendingExpiresAt < time.GetUtcNow() || connector.Status is not (ConnectorStatus.PendingAuthorization or ConnectorStatus.ReconnectNeeded or ConnectorStatus.AwaitingConfirmation))
        {
            throw new ArgumentException("The authorization's state is unknown, used or expired; start the authorization again.", nameof(state));
        }

        return connector;
    }

    /// <summary>Whether the redirect came back to the browser that started the authorization (its cookie's nonce).</summary>
    private static bool IsBound(StoredConnector connector, string? browserBinding) =>
        browserBinding is { Length: > 0 and <= 256 } && connector.PendingBindingHash is { } expected && Same(expected, Hash(browserBinding));

    private static bool Same(string a, string b) => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(a), Encoding.ASCII.GetBytes(b));

    private static void ClearPending(StoredConnector connector)
    {
        connector.PendingStateHash = null;
        connector.PendingBindingHash = null;
        connector.PendingVerifierSealed = null;
        connector.PendingExpiresAt = null;
    }

    private StoredConnector Find(string connectorId) =>
        (ConnectorRules.IsValidId(connectorId) ? Stored.Find(c => c.ConnectorId == connectorId) : null)
        ?? throw new WorkspaceNotFoundException($"No connector '{connectorId}'.");

    private Task<Platform.Grains.Interfaces.Audit.AuditEntry> AuditAsync(string kind, string actor, string summary, StoredConnector connector, params (string Key, string Value)[] details) =>
        GrainFactory.AuditAsync(PrimaryKey, kind, actor, summary, [("connector_id", connector.ConnectorId), ("connector_kind", connector.Kind.ToString()), .. details]);

    private static string Hash(string state) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(state)));

    private static string ManagedBy(StoredConnector c) => $"connector:{c.ConnectorId}";

    private static string AccessName(StoredConnector c) => $"{SecretHandle.ConnectorPrefix}{c.ConnectorId}.access_token";

    private static string RefreshName(StoredConnector c) => $"{SecretHandle.ConnectorPrefix}{c.ConnectorId}.refresh_token";

    private static string ScopeText(StoredConnector c) => string.Join(",", c.Channels.Concat(c.Repositories).Concat(c.AllowedUrls));

    private static string Describe(ConnectorStatus status) => status switch
    {
        ConnectorStatus.PendingAuthorization => "waiting for authorization",
        ConnectorStatus.ReconnectNeeded => "in need of reconnecting",
        ConnectorStatus.AwaitingConfirmation => "awaiting an admin's confirmation",
        ConnectorStatus.Revoked => "revoked",
        _ => "connected",
    };

    private static ConnectorView View(StoredConnector c) => new(
        c.ConnectorId,
        c.Kind,
        c.Name,
        c.Status,
        c.StatusReason,
        [.. c.Channels],
        [.. c.Repositories],
        [.. c.AllowedUrls],
        c.AuthorizationSecret,
        c.GrantedScope,
        c.CreatedAt,
        c.ConnectedAt,
        c.RevokedAt);

    [LoggerMessage(EventId = 4711, Level = LogLevel.Warning, Message = "Workspace {WorkspaceId}: refreshing connector {ConnectorId} failed with {ErrorType}")]
    private static partial void LogRefreshFailed(ILogger logger, string workspaceId, string connectorId, string errorType);

    [LoggerMessage(EventId = 4712, Level = LogLevel.Warning, Message = "Workspace {WorkspaceId}: the provider did not confirm revoking connector {ConnectorId} ({ErrorType}); it is dark here regardless")]
    private static partial void LogProviderRevocationFailed(ILogger logger, string workspaceId, string connectorId, string errorType);

    [LoggerMessage(EventId = 4713, Level = LogLevel.Warning, Message = "Workspace {WorkspaceId}: stopping a run after a connector revocation failed with {ErrorType}")]
    private static partial void LogStopRunFailed(ILogger logger, string workspaceId, string errorType);
}
