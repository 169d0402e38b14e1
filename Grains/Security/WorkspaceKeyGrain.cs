using System.Collections.Immutable;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

using Microsoft.Extensions.Logging;

using Platform.Grains.Egress;
using Platform.Grains.Interfaces.Egress;
using Platform.Grains.Interfaces.Security;

namespace Platform.Grains.Security;

/// <summary>
/// Holds one workspace's data key. Unwrapped keys exist only in this activation's memory, are unwrapped on first use
/// (so status, rewrap bookkeeping and destruction work even when a KEK is unavailable) and are cleared when the
/// activation goes.
/// </summary>
[GrainType("workspace-key")]
public sealed class WorkspaceKeyGrain(
    [PersistentState("keys")] IPersistentState<WorkspaceKeyState> keys,
    IKeyEncryptionKeyProvider kek,
    IDataKeyGenerator generator,
    TimeProvider time,
    ILogger<WorkspaceKeyGrain> logger) : StringKeyedGrain, IWorkspaceKeyGrain
{
    private readonly Dictionary<int, byte[]> _unwrapped = [];

    // Built on the first egress inspection and dropped whenever the set of versions changes.
    private SecretMatcher? _egress;

    private WorkspaceKeyState State => keys.State;

    /// <inheritdoc />
    public async Task<EncryptedField> EncryptAsync(EncryptRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ThrowIfDestroyed();
        FieldCipher.ValidatePurpose(request.Purpose);
        if (State.Keys.Count == 0)
        {
            await AddVersionAsync();
        }

        var version = State.CurrentVersion;
        var key = await KeyAsync(version);
        var ciphertext = FieldCipher.Encrypt(key, version, PrimaryKey, request.Purpose, request.Plaintext.AsSpan());
        return new EncryptedField(ImmutableCollectionsMarshal.AsImmutableArray(ciphertext), version);
    }

    /// <inheritdoc />
    public async Task<ImmutableArray<byte>> DecryptAsync(DecryptRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ThrowIfDestroyed();
        FieldCipher.ValidatePurpose(request.Purpose);
        var ciphertext = request.Ciphertext.AsSpan().ToArray();
        var version = FieldCipher.ReadKeyVersion(ciphertext);
        if (Find(version) is null)
        {
            throw new CryptographicException($"Workspace '{PrimaryKey}' has no data key version {version}; the ciphertext is not this workspace's.");
        }

        var key = await KeyAsync(version);
        return ImmutableCollectionsMarshal.AsImmutableArray(FieldCipher.Decrypt(key, PrimaryKey, request.Purpose, ciphertext));
    }

    /// <inheritdoc />
    public async Task<WorkspaceKeyStatus> RewrapAsync()
    {
        if (State.DestroyedAt is not null)
        {
            return Status();
        }

        // Asked of the shared store, not this silo's memory: the rotation may have been started on another silo.
        var target = await kek.GetCurrentKeyIdAsync();
        var count = 0;
        foreach (var stored in State.Keys.Where(k => k.KekId != target).ToList())
        {
            var wrapped = await kek.WrapAsync(await KeyAsync(stored.Version));
            stored.KekId = wrapped.KekId;
            stored.Wrapped = Convert.ToBase64String(wrapped.Ciphertext);
            count++;
        }

        // Idempotent: a workspace already under the current KEK costs no write, so a resumed rotation is cheap.
        if (count > 0)
        {
            await keys.WriteStateAsync();
            SecurityLog.DataKeysRewrapped(logger, PrimaryKey, count, target);
        }

        return Status();
    }

    /// <inheritdoc />
    public async Task<WorkspaceKeyStatus> RotateDataKeyAsync()
    {
        ThrowIfDestroyed();
        await AddVersionAsync();
        return Status();
    }

    /// <inheritdoc />
    public async Task<WorkspaceKeyStatus> DestroyAsync()
    {
        if (State.DestroyedAt is not null)
        {
            return Status();
        }

        var count = State.Keys.Count;
        ForgetUnwrapped();
        State.Keys.Clear();
        State.CurrentVersion = 0;
        State.DestroyedAt = time.GetUtcNow();
        await keys.WriteStateAsync();
        SecurityLog.DataKeyDestroyed(logger, PrimaryKey, count);
        return Status();
    }

    /// <inheritdoc />
    public async Task<EgressFinding?> InspectEgressAsync(string content)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (_egress is null)
        {
            var versions = new List<(string, byte[])>();
            foreach (var stored in State.Keys)
            {
                versions.Add(($"data key v{stored.Version}", await KeyAsync(stored.Version)));
            }

            _egress = SecretMatcher.Create(versions);
        }

        return _egress.Find(content);
    }

    /// <inheritdoc />
    public Task<WorkspaceKeyStatus> GetStatusAsync() => Task.FromResult(Status());

    /// <inheritdoc />
    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        ForgetUnwrapped();
        return Task.CompletedTask;
    }

    private async Task AddVersionAsync()
    {
        var key = generator.NewDataKey();
        if (key.Length != FieldCipher.KeySize)
        {
            CryptographicOperations.ZeroMemory(key);
            throw new CryptographicException($"The data key generator made a {key.Length}-byte key; AES-256 needs {FieldCipher.KeySize}.");
        }

        try
        {
            var wrapped = await kek.WrapAsync(key);
            var version = State.Keys.Count == 0 ? 1 : State.Keys.Max(k => k.Version) + 1;
            State.Keys.Add(new StoredDataKey
            {
                Version = version,
                KekId = wrapped.KekId,
                Wrapped = Convert.ToBase64String(wrapped.Ciphertext),
                CreatedAt = time.GetUtcNow(),
            });
            State.CurrentVersion = version;
            _egress = null;
            // A failed write drops this activation (the runtime's rule), so the unsaved version cannot be used.
            await keys.WriteStateAsync();
            _unwrapped[version] = key;
            SecurityLog.DataKeyCreated(logger, PrimaryKey, version, wrapped.KekId);
        }
        catch
        {
            CryptographicOperations.ZeroMemory(key);
            throw;
        }
    }

    private async Task<byte[]> KeyAsync(int version)
    {
        if (_unwrapped.TryGetValue(version, out var key))
        {
            return key;
        }

        var stored = Find(version) ?? throw new CryptographicException($"Workspace '{PrimaryKey}' has no data key version {version}.");
        key = await kek.UnwrapAsync(new WrappedKey(stored.KekId, Convert.FromBase64String(stored.Wrapped)));
        _unwrapped[version] = key;
        return key;
    }

    private StoredDataKey? Find(int version) => State.Keys.FirstOrDefault(k => k.Version == version);

    private void ThrowIfDestroyed()
    {
        if (State.DestroyedAt is not null)
        {
            throw new WorkspaceKeyDestroyedException(PrimaryKey);
        }
    }

    private void ForgetUnwrapped()
    {
        _egress = null;
        foreach (var key in _unwrapped.Values)
        {
            CryptographicOperations.ZeroMemory(key);
        }

        _unwrapped.Clear();
    }

    private WorkspaceKeyStatus Status() => new(
        PrimaryKey,
        State.CurrentVersion,
        [.. State.Keys.Select(k => new DataKeyVersionInfo(k.Version, k.KekId, k.CreatedAt))],
        State.DestroyedAt);
}
