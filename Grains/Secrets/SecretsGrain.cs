using System.Collections.Immutable;
using System.Text;
using Microsoft.Extensions.Options;
using Platform.Grains.Audit;
using Platform.Grains.Egress;
using Platform.Grains.Interfaces.Egress;
using Platform.Grains.Interfaces.Secrets;
using Platform.Grains.Interfaces.Security;
using Platform.Grains.Interfaces.Workspaces;

namespace Platform.Grains.Secrets;

/// <summary>
/// A workspace's secret store. Each value is encrypted by the workspace's own <see cref="IWorkspaceKeyGrain"/> for a
/// purpose that names the secret, so one secret's ciphertext cannot be swapped in for another's. The only plaintext in
/// memory is the egress matcher, rebuilt after every change and dropped with the activation. A rotated-out value stays
/// in the matcher (never resolvable) for <see cref="SecretsOptions.PreviousValueBlockPeriod"/>, because rotating here
/// does not revoke it where it was issued.
/// </summary>
// Pinned: stored rows and reminders are keyed by the grain type name, so a class rename must not change it.
[GrainType("secrets")]
public sealed class SecretsGrain(
    [PersistentState("secrets")] IPersistentState<SecretsState> secrets,
    IOptions<SecretsOptions> options,
    TimeProvider time) : StringKeyedGrain, ISecretsGrain
{
    private SecretMatcher? _matcher;

    // When the oldest previous value in the matcher stops being blocked; the matcher is rebuilt without it then.
    private DateTimeOffset _matcherExpires = DateTimeOffset.MaxValue;

    private IWorkspaceKeyGrain Key => GrainFactory.GetGrain<IWorkspaceKeyGrain>(PrimaryKey);

    private Dictionary<string, StoredSecret> Stored => secrets.State.Secrets;

    public async Task<SecretInfo> SetAsync(string name, string value, string actor)
    {
        SecretRules.ValidateName(name, managed: false);
        SecretRules.ValidateValue(value);
        if (Stored.ContainsKey(name))
        {
            throw new WorkspaceConflictException($"A secret named '{name}' exists; rotate it to change its value.");
        }

        if (Stored.Count >= SecretRules.MaxSecrets)
        {
            throw new WorkspaceConflictException($"The workspace holds {SecretRules.MaxSecrets} secrets, the most it may.");
        }

        var stored = await WriteValueAsync(name, value, "user", existing: null);
        await AuditAsync("secret.set", actor, $"Secret {name} set", stored);
        return Info(stored);
    }

    public async Task<SecretInfo> RotateAsync(string name, string value, string actor)
    {
        SecretRules.ValidateName(name, managed: false);
        SecretRules.ValidateValue(value);
        var existing = Find(name);
        var stored = await WriteValueAsync(name, value, existing.ManagedBy, existing);
        await AuditAsync("secret.rotated", actor, $"Secret {name} rotated", stored);
        return Info(stored);
    }

    public async Task DeleteAsync(string name, string actor)
    {
        SecretRules.ValidateName(name, managed: false);
        var existing = Find(name);
        Stored.Remove(name);
        _matcher = null;
        await secrets.WriteStateAsync();
        await AuditAsync("secret.deleted", actor, $"Secret {name} deleted", existing);
    }

    public Task<ImmutableArray<SecretInfo>> ListAsync() =>
        Task.FromResult(Stored.Values.OrderBy(s => s.Name, StringComparer.Ordinal).Select(Info).ToImmutableArray());

    public async Task<string> ResolveAsync(string nameOrHandle, string usedBy)
    {
        ArgumentException.ThrowIfNullOrEmpty(nameOrHandle);
        var name = SecretHandle.TryParse(nameOrHandle, out var parsed) ? parsed : nameOrHandle;
        var stored = Find(name);
        var value = await OpenAsync(stored);
        stored.LastUsedAt = time.GetUtcNow();
        stored.LastUsedBy = usedBy;
        await secrets.WriteStateAsync();
        return value;
    }

    public async Task SetManagedAsync(string name, string value, string managedBy)
    {
        SecretRules.ValidateName(name, managed: true);
        ArgumentException.ThrowIfNullOrEmpty(managedBy);
        if (!name.StartsWith(SecretHandle.ConnectorPrefix, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Managed secrets are named '{SecretHandle.ConnectorPrefix}…'.", nameof(name));
        }

        // Provider tokens can be short; they are stored all the same, and the egress scan covers those long enough.
        ArgumentException.ThrowIfNullOrEmpty(value);
        await WriteValueAsync(name, value, managedBy, Stored.GetValueOrDefault(name));
    }

    public async Task DeleteManagedAsync(string managedBy)
    {
        ArgumentException.ThrowIfNullOrEmpty(managedBy);
        var names = Stored.Values.Where(s => s.ManagedBy == managedBy).Select(s => s.Name).ToList();
        if (names.Count == 0)
        {
            return;
        }

        names.ForEach(n => Stored.Remove(n));
        _matcher = null;
        await secrets.WriteStateAsync();
    }

    public async Task<EgressFinding?> InspectEgressAsync(string content)
    {
        ArgumentNullException.ThrowIfNull(content);

        // The workspace's data keys are searched too, by their own grain (the key bytes never leave it): one call from
        // the caller for both, which the model proxy makes on every request.
        return (await MatcherAsync()).Find(content)
            ?? await GrainFactory.GetGrain<IWorkspaceKeyGrain>(PrimaryKey).InspectEgressAsync(content);
    }

    public async Task<SecretRedaction> RedactAsync(string content)
    {
        ArgumentNullException.ThrowIfNull(content);
        var redacted = (await MatcherAsync()).Redact(content, out var findings);
        return new SecretRedaction(redacted, findings);
    }

    public async Task ForgetAllAsync()
    {
        _matcher = null;
        if (Stored.Count > 0)
        {
            Stored.Clear();
            await secrets.WriteStateAsync();
        }
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _matcher = null;
        return Task.CompletedTask;
    }

    private StoredSecret Find(string name) =>
        Stored.GetValueOrDefault(name) ?? throw new WorkspaceNotFoundException($"No secret named '{name}'.");

    private async Task<StoredSecret> WriteValueAsync(string name, string value, string managedBy, StoredSecret? existing)
    {
        var now = time.GetUtcNow();
        var sealedValue = await Key.EncryptAsync(new EncryptRequest(Purpose(name), [.. Encoding.UTF8.GetBytes(value)]));
        var stored = new StoredSecret
        {
            Name = name,
            SealedValue = Convert.ToBase64String(sealedValue.Ciphertext.AsSpan()),
            Fingerprint = SecretRules.Fingerprint(value),
            Version = (existing?.Version ?? 0) + 1,
            ManagedBy = managedBy,
            CreatedAt = existing?.CreatedAt ?? now,
            RotatedAt = now,
            LastUsedAt = existing?.LastUsedAt,
            LastUsedBy = existing?.LastUsedBy,
            Previous = PreviousValues(existing, managedBy, now),
        };
        Stored[name] = stored;
        _matcher = null;
        try
        {
            await secrets.WriteStateAsync();
        }
        catch
        {
            // Keep memory equal to storage for any reentrant read before the runtime drops this activation.
            if (existing is null)
            {
                Stored.Remove(name);
            }
            else
            {
                Stored[name] = existing;
            }

            throw;
        }

        return stored;
    }

    /// <summary>
    /// The replaced values a new version keeps: the one it replaces (a person's secret only; connector tokens are
    /// refreshed hourly and revoked at the provider) and earlier ones still inside the block period, newest kept.
    /// </summary>
    private List<RetiredSecretValue> PreviousValues(StoredSecret? existing, string managedBy, DateTimeOffset now)
    {
        var period = options.Value.PreviousValueBlockPeriod;
        if (existing is null || managedBy != "user" || period <= TimeSpan.Zero)
        {
            return [];
        }

        var previous = existing.Previous.Where(p => p.RetiredAt + period > now).ToList();
        previous.Add(new RetiredSecretValue { SealedValue = existing.SealedValue, Version = existing.Version, RetiredAt = now });
        return previous.Skip(Math.Max(0, previous.Count - SecretRules.MaxPreviousValues)).ToList();
    }

    private Task<string> OpenAsync(StoredSecret stored) => OpenAsync(stored.Name, stored.SealedValue);

    private async Task<string> OpenAsync(string name, string sealedValue)
    {
        var plaintext = await Key.DecryptAsync(new DecryptRequest(Purpose(name), [.. Convert.FromBase64String(sealedValue)]));
        return Encoding.UTF8.GetString(plaintext.AsSpan());
    }

    private async Task<SecretMatcher> MatcherAsync()
    {
        var now = time.GetUtcNow();
        if (_matcher is null || now >= _matcherExpires)
        {
            var period = options.Value.PreviousValueBlockPeriod;
            var expires = DateTimeOffset.MaxValue;
            var values = new List<(string, byte[])>(Stored.Count);
            foreach (var stored in Stored.Values)
            {
                var handle = SecretHandle.For(stored.Name);
                values.Add((handle, Encoding.UTF8.GetBytes(await OpenAsync(stored))));
                foreach (var previous in stored.Previous)
                {
                    var until = previous.RetiredAt + period;
                    if (until > now)
                    {
                        // A leak of the old value is reported under the secret's own handle: that is what its owner knows it by.
                        values.Add((handle, Encoding.UTF8.GetBytes(await OpenAsync(stored.Name, previous.SealedValue))));
                        expires = until < expires ? until : expires;
                    }
                }
            }

            _matcher = SecretMatcher.Create(values);
            _matcherExpires = expires;
        }

        return _matcher;
    }

    private Task<Platform.Grains.Interfaces.Audit.AuditEntry> AuditAsync(string kind, string actor, string summary, StoredSecret stored) =>
        GrainFactory.AuditAsync(PrimaryKey, kind, actor, summary, ("secret", stored.Name), ("fingerprint", stored.Fingerprint), ("version", stored.Version.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    private static string Purpose(string name) => $"secret.value/{name}";

    private static SecretInfo Info(StoredSecret s) =>
        new(s.Name, s.Fingerprint, s.Version, s.ManagedBy, s.CreatedAt, s.RotatedAt, s.LastUsedAt, s.LastUsedBy);
}
