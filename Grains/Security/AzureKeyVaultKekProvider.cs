using System.Collections.Immutable;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

using Azure;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;

using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Platform.Grains.Security;

/// <summary>
/// Keeps the KEK versions as the versions of one Azure Key Vault secret, each a random AES-256 key (base64). The KEK id
/// is the secret's version id; the current KEK is the newest enabled version. Wrapping happens here with AES-GCM under
/// a version's key, fetched once and cached in memory, so the vault is called at start, on rotation and retirement,
/// the first time a version is needed, and once per wrap (a new or rewrapped data key, rare) to learn whether another
/// silo rotated, never per unwrap. Retiring disables the version in the vault, so its wraps are
/// unreadable from then on by every host that has not cached it yet.
/// </summary>
/// <remarks>
/// Versions are ordered by their creation time, which Key Vault records to the second; two versions made in the same
/// second are told apart by the <see cref="SequenceTag"/> this provider writes on each version it creates.
/// A version disabled by hand is still unwrapped by a host that cached it before; restart the hosts to drop it.
/// </remarks>
public sealed partial class AzureKeyVaultKekProvider : IKeyEncryptionKeyProvider, IDisposable
{
    /// <summary>The tag holding each version's place in the rotation order.</summary>
    public const string SequenceTag = "platform-kek-sequence";

    private const string ContentType = "application/octet-stream;encoding=base64";

    private readonly SecretClient _client;
    private readonly TimeProvider _time;
    private readonly ILogger<AzureKeyVaultKekProvider> _logger;
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _changes = new(1, 1);
    private volatile KeyRing? _ring;
    private long _sequence;

    /// <summary>Creates the provider; the vault is read on first use, or at host start.</summary>
    public AzureKeyVaultKekProvider(
        IOptions<AzureKeyVaultOptions> options,
        AzureKeyVaultClientFactory clients,
        TimeProvider time,
        ILogger<AzureKeyVaultKekProvider> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clients);
        var value = options.Value;
        VaultUri = value.VaultUri ?? throw new InvalidOperationException($"{AzureKeyVaultOptions.SectionName}:VaultUri is not set.");
        SecretName = value.SecretName;
        _client = clients.CreateClient(value);
        _time = time;
        _logger = logger;
    }

    /// <summary>The vault holding the KEK secret.</summary>
    public Uri VaultUri { get; }

    /// <summary>The secret whose versions are the KEKs.</summary>
    public string SecretName { get; }

    /// <inheritdoc />
    public string CurrentKeyId => Ring().CurrentId;

    /// <inheritdoc />
    public async Task<string> GetCurrentKeyIdAsync(CancellationToken cancellationToken = default) => (await LatestAsync(cancellationToken)).Id;

    /// <inheritdoc />
    public async Task<WrappedKey> WrapAsync(ReadOnlyMemory<byte> dataKey, CancellationToken cancellationToken = default)
    {
        var current = await LatestAsync(cancellationToken);
        var wrapped = new byte[dataKey.Length + AesGcmEnvelope.Overhead];
        AesGcmEnvelope.Seal(current.Key, AssociatedData(current.Id), dataKey.Span, wrapped);
        return new WrappedKey(current.Id, wrapped);
    }

    /// <inheritdoc />
    public async Task<byte[]> UnwrapAsync(WrappedKey wrappedKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(wrappedKey);
        var kek = Ring().Versions.GetValueOrDefault(wrappedKey.KekId) ?? await FetchAsync(wrappedKey.KekId, cancellationToken);
        var dataKey = new byte[Math.Max(0, wrappedKey.Ciphertext.Length - AesGcmEnvelope.Overhead)];
        if (!AesGcmEnvelope.TryOpen(kek.Key, AssociatedData(kek.Id), wrappedKey.Ciphertext, dataKey))
        {
            throw new CryptographicException($"A data key wrapped under key-encryption key '{kek.Id}' could not be authenticated; it was altered or wrapped elsewhere.");
        }

        return dataKey;
    }

    /// <inheritdoc />
    public async Task<string> RotateAsync(CancellationToken cancellationToken = default)
    {
        _ = Ring();
        await _changes.WaitAsync(cancellationToken);
        try
        {
            var key = RandomNumberGenerator.GetBytes(AesGcmEnvelope.KeySize);
            var sequence = Interlocked.Read(ref _sequence) + 1;
            var secret = NewSecret(key, sequence);
            KeyVaultSecret created;
            try
            {
                created = (await _client.SetSecretAsync(secret, cancellationToken)).Value;
            }
            catch
            {
                CryptographicOperations.ZeroMemory(key);
                throw;
            }

            var added = new KekVersion(created.Properties.Version, created.Properties.CreatedOn ?? _time.GetUtcNow(), key);
            Interlocked.Exchange(ref _sequence, sequence);
            Swap(ring => new KeyRing(added.Id, ring.Versions.SetItem(added.Id, added)));
            SecurityLog.KeyVaultRotated(_logger, VaultUri, SecretName, added.Id);
            return added.Id;
        }
        finally
        {
            _changes.Release();
        }
    }

    /// <inheritdoc />
    public async Task RetireAsync(string kekId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(kekId);
        if (!IsVersionId(kekId))
        {
            throw new ArgumentException($"'{kekId}' is not a Key Vault secret version id.", nameof(kekId));
        }

        await _changes.WaitAsync(cancellationToken);
        try
        {
            if (kekId == Ring().CurrentId)
            {
                throw new InvalidOperationException($"Key-encryption key '{kekId}' is the current one and cannot be retired; rotate first.");
            }

            try
            {
                var properties = new SecretProperties(VersionUri(kekId)) { Enabled = false };
                await _client.UpdateSecretPropertiesAsync(properties, cancellationToken);
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                // Already gone (the secret version was purged): retiring it again does nothing, as the interface says.
            }

            KekVersion? retired = null;
            Swap(ring =>
            {
                retired = ring.Versions.GetValueOrDefault(kekId);
                return new KeyRing(ring.CurrentId, ring.Versions.Remove(kekId));
            });

            // Nothing is wrapped under it any more (the caller checked), so no unwrap can be using it.
            if (retired is not null)
            {
                CryptographicOperations.ZeroMemory(retired.Key);
            }

            SecurityLog.KeyVaultRetired(_logger, VaultUri, SecretName, kekId);
        }
        finally
        {
            _changes.Release();
        }
    }

    /// <summary>Reads (or creates) the KEK secret now rather than at the first wrap, so a wrong vault or credential stops the host.</summary>
    public void EnsureLoaded() => Ring();

    /// <inheritdoc />
    public void Dispose()
    {
        KeyRing? ring;
        lock (_gate)
        {
            ring = _ring;
            _ring = null;
        }

        if (ring is not null)
        {
            foreach (var version in ring.Versions.Values)
            {
                CryptographicOperations.ZeroMemory(version.Key);
            }
        }

        _changes.Dispose();
    }

    private static byte[] AssociatedData(string kekId) => Encoding.UTF8.GetBytes(kekId);

    private static bool IsVersionId(string value) => VersionIdPattern().IsMatch(value);

    [GeneratedRegex("^[0-9a-zA-Z]{1,64}$")]
    private static partial Regex VersionIdPattern();

    private static long SequenceOf(SecretProperties properties) =>
        properties.Tags.TryGetValue(SequenceTag, out var text) && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var sequence) ? sequence : 0;

    private KeyVaultSecret NewSecret(byte[] key, long sequence)
    {
        // The SDK carries the value as a string, which cannot be wiped; it lives only until the request is sent.
        var secret = new KeyVaultSecret(SecretName, Convert.ToBase64String(key));
        secret.Properties.ContentType = ContentType;
        secret.Properties.Tags[SequenceTag] = sequence.ToString(CultureInfo.InvariantCulture);
        return secret;
    }

    private Uri VersionUri(string version) => new(VaultUri, $"secrets/{SecretName}/{version}");

    private void Swap(Func<KeyRing, KeyRing> change)
    {
        lock (_gate)
        {
            _ring = change(_ring ?? throw new ObjectDisposedException(nameof(AzureKeyVaultKekProvider)));
        }
    }

    private KeyRing Ring()
    {
        if (_ring is { } ring)
        {
            return ring;
        }

        lock (_gate)
        {
            if (_ring is { } loaded)
            {
                return loaded;
            }

            try
            {
                _ring = Load();
            }
            catch (Exception e) when (e is RequestFailedException or AuthenticationFailedException or CredentialUnavailableException)
            {
                throw new InvalidOperationException(
                    $"The key-encryption keys could not be loaded from secret '{SecretName}' in Azure Key Vault {VaultUri}: {Why(e)} " +
                    $"Check {AzureKeyVaultOptions.SectionName} (VaultUri, credential) and the vault's access policy.", e);
            }

            return _ring;
        }
    }

    /// <summary>
    /// Runs once, under the lock, with the SDK's synchronous calls: <see cref="CurrentKeyId"/> is a property, and
    /// blocking on the async calls here could deadlock a single-threaded scheduler.
    /// </summary>
    private KeyRing Load()
    {
        var versions = _client.GetPropertiesOfSecretVersions(SecretName).ToList();
        var now = _time.GetUtcNow();
        Interlocked.Exchange(ref _sequence, versions.Count == 0 ? 0 : versions.Max(SequenceOf));
        var usable = versions
            .Where(v => v.Enabled != false && (v.NotBefore is null || v.NotBefore <= now) && (v.ExpiresOn is null || v.ExpiresOn > now))
            .OrderBy(v => v.CreatedOn ?? DateTimeOffset.MinValue)
            .ThenBy(SequenceOf)
            .ToList();

        if (usable.Count == 0 && versions.Count > 0)
        {
            // Creating a fresh KEK here would hide the problem: everything wrapped under the disabled versions stays unreadable.
            throw new InvalidOperationException(
                $"Secret '{SecretName}' in Azure Key Vault {VaultUri} has {versions.Count} versions but none is enabled and valid; " +
                "re-enable the newest one (its wraps are unreadable until then).");
        }

        if (usable.Count == 0)
        {
            var key = RandomNumberGenerator.GetBytes(AesGcmEnvelope.KeySize);
            var created = _client.SetSecret(NewSecret(key, 1)).Value;
            Interlocked.Exchange(ref _sequence, 1);
            var first = new KekVersion(created.Properties.Version, created.Properties.CreatedOn ?? now, key);
            SecurityLog.KeyVaultSecretCreated(_logger, VaultUri, SecretName, first.Id);
            return new KeyRing(first.Id, ImmutableDictionary<string, KekVersion>.Empty.WithComparers(StringComparer.Ordinal).Add(first.Id, first));
        }

        var newest = usable[^1];
        var current = Decode(_client.GetSecret(SecretName, newest.Version).Value);
        SecurityLog.KeyVaultLoaded(_logger, VaultUri, SecretName, usable.Count, current.Id);
        return new KeyRing(current.Id, ImmutableDictionary<string, KekVersion>.Empty.WithComparers(StringComparer.Ordinal).Add(current.Id, current));
    }

    /// <summary>
    /// The vault's newest version, the current KEK: another silo may have rotated since this one loaded, and a wrap
    /// under a version it has since retired would be unreadable after the next start. When the newest version is not
    /// usable (disabled by hand), the newest this host knows stays current.
    /// </summary>
    private async Task<KekVersion> LatestAsync(CancellationToken cancellationToken)
    {
        var ring = Ring();
        KeyVaultSecret latest;
        try
        {
            latest = (await _client.GetSecretAsync(SecretName, cancellationToken: cancellationToken)).Value;
        }
        catch (RequestFailedException e) when (e.Status is 403 or 404)
        {
            return ring.Current;
        }

        var properties = latest.Properties;
        var now = _time.GetUtcNow();
        if (properties.Version == ring.CurrentId || properties.Enabled == false || properties.NotBefore > now || properties.ExpiresOn <= now)
        {
            return ring.Current;
        }

        var version = Decode(latest);
        KekVersion? cached = null;
        Swap(r =>
        {
            if (r.Versions.TryGetValue(version.Id, out cached))
            {
                return new KeyRing(version.Id, r.Versions);
            }

            return new KeyRing(version.Id, r.Versions.Add(version.Id, version));
        });
        Interlocked.Exchange(ref _sequence, Math.Max(Interlocked.Read(ref _sequence), SequenceOf(properties)));
        if (cached is not null)
        {
            CryptographicOperations.ZeroMemory(version.Key);
            return cached;
        }

        return version;
    }

    private async Task<KekVersion> FetchAsync(string kekId, CancellationToken cancellationToken)
    {
        if (!IsVersionId(kekId))
        {
            throw new CryptographicException($"Key-encryption key '{kekId}' is not a Key Vault secret version id (wrapped by another provider?).");
        }

        KeyVaultSecret secret;
        try
        {
            secret = (await _client.GetSecretAsync(SecretName, kekId, cancellationToken)).Value;
        }
        catch (RequestFailedException e) when (e.Status is 403 or 404)
        {
            // 403 is how Key Vault answers a read of a disabled version; without "get" permission the start would have failed.
            throw new CryptographicException(
                $"Key-encryption key '{kekId}' is not an enabled version of secret '{SecretName}' in Azure Key Vault {VaultUri} (retired, or from another installation).", e);
        }

        var version = Decode(secret);
        KekVersion? cached = null;
        Swap(ring =>
        {
            if (ring.Versions.TryGetValue(version.Id, out cached))
            {
                return ring;
            }

            return new KeyRing(ring.CurrentId, ring.Versions.Add(version.Id, version));
        });

        if (cached is not null)
        {
            CryptographicOperations.ZeroMemory(version.Key);
            return cached;
        }

        return version;
    }

    private KekVersion Decode(KeyVaultSecret secret)
    {
        var key = new byte[AesGcmEnvelope.KeySize];
        if (!Convert.TryFromBase64String(secret.Value ?? string.Empty, key, out var written) || written != key.Length)
        {
            // Says what is wrong, never what the value is.
            throw new CryptographicException(
                $"Version '{secret.Properties.Version}' of secret '{SecretName}' in Azure Key Vault {VaultUri} is not a base64 32-byte key; something other than this platform wrote it.");
        }

        return new KekVersion(secret.Properties.Version, secret.Properties.CreatedOn ?? _time.GetUtcNow(), key);
    }

    private static string Why(Exception e) => e switch
    {
        AuthenticationFailedException or CredentialUnavailableException => "the credential could not get a token (wrong tenant, client id or secret, or no identity available).",
        RequestFailedException { Status: 0 } => "the vault could not be reached (wrong VaultUri, DNS, network or TLS).",
        RequestFailedException { Status: 401 or 403 } r => $"the vault refused access (HTTP {r.Status}); grant the identity get, list and set on secrets.",
        RequestFailedException r => $"the vault answered HTTP {r.Status} ({r.ErrorCode}).",
        _ => e.GetType().Name,
    };
}
