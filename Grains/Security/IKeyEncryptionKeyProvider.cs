namespace Platform.Grains.Security;

/// <summary>
/// Holds the key-encryption keys (KEKs) that wrap every workspace's data key. The embedded default is
/// <see cref="LocalKeyFileProvider"/>; a KMS (e.g. Azure Key Vault) implements the same five members, which is why they
/// are few and async: a KMS does each of them in a network call and never hands the KEK out.
/// </summary>
public interface IKeyEncryptionKeyProvider
{
    /// <summary>The KEK version new wraps use.</summary>
    string CurrentKeyId { get; }

    /// <summary>
    /// The KEK version new wraps use as the shared store says now: another silo may have rotated since
    /// <see cref="CurrentKeyId"/> was loaded here. Rewrapping compares against this one.
    /// </summary>
    Task<string> GetCurrentKeyIdAsync(CancellationToken cancellationToken = default);

    /// <summary>Wraps <paramref name="dataKey"/> under the current KEK.</summary>
    Task<WrappedKey> WrapAsync(ReadOnlyMemory<byte> dataKey, CancellationToken cancellationToken = default);

    /// <summary>
    /// Unwraps with the KEK version named by <see cref="WrappedKey.KekId"/>, so keys wrapped before a rotation stay
    /// readable until they are rewrapped. Throws <see cref="System.Security.Cryptography.CryptographicException"/> when
    /// that version is gone or the wrap was altered.
    /// </summary>
    Task<byte[]> UnwrapAsync(WrappedKey wrappedKey, CancellationToken cancellationToken = default);

    /// <summary>Creates a new KEK version and makes it current; older versions keep unwrapping. Returns the new id.</summary>
    Task<string> RotateAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes (a KMS: disables) a non-current KEK version once nothing is wrapped under it any more; wraps under it are
    /// unreadable from then on. Retiring a version that is already gone does nothing.
    /// </summary>
    Task RetireAsync(string kekId, CancellationToken cancellationToken = default);
}
