using System.Collections.Immutable;

using Platform.Grains.Interfaces.Egress;

namespace Platform.Grains.Interfaces.Security;

/// <summary>
/// A workspace's data key (key: workspace id): envelope encryption of its sensitive fields (message content, tool
/// arguments and results, secrets) with AES-256-GCM. Only wrapped keys are stored; the unwrapped key lives in this
/// activation's memory alone, so no other workspace's grain, and no storage row, ever holds it. Key bytes never leave
/// the grain: not in a result, a log or an exception.
/// </summary>
[Alias("platform.IWorkspaceKeyGrain")]
public interface IWorkspaceKeyGrain : IGrainWithStringKey
{
    /// <summary>
    /// Encrypts with the newest data key version (creating version 1 on first use). The ciphertext is bound to this
    /// workspace and to <see cref="EncryptRequest.Purpose"/>. Throws <see cref="WorkspaceKeyDestroyedException"/> after <see cref="DestroyAsync"/>.
    /// </summary>
    Task<EncryptedField> EncryptAsync(EncryptRequest request);

    /// <summary>
    /// Decrypts a ciphertext of this workspace made for the same purpose, with whichever data key version made it.
    /// Anything else (another workspace's, another purpose's, altered) is refused with a <see cref="System.Security.Cryptography.CryptographicException"/>;
    /// after <see cref="DestroyAsync"/>, with <see cref="WorkspaceKeyDestroyedException"/>.
    /// </summary>
    Task<ImmutableArray<byte>> DecryptAsync(DecryptRequest request);

    /// <summary>Wraps every data key version under the key provider's current key-encryption key. Idempotent.</summary>
    Task<WorkspaceKeyStatus> RewrapAsync();

    /// <summary>Adds a new data key version; new data uses it, older versions stay to decrypt older data.</summary>
    Task<WorkspaceKeyStatus> RotateDataKeyAsync();

    /// <summary>
    /// Crypto-shredding: erases every wrapped data key from storage and memory and leaves a tombstone, so the
    /// workspace's ciphertexts are unreadable from then on and no new key can be created under this id. Idempotent.
    /// </summary>
    Task<WorkspaceKeyStatus> DestroyAsync();

    /// <summary>
    /// Looks for this workspace's data key material (any version, in plain, base64, base64url, hex or URL encoding) in
    /// content about to leave the workspace. The search runs here so the key bytes never leave the grain; the finding
    /// names the version and encoding only. A destroyed or never-used key finds nothing.
    /// </summary>
    Task<EgressFinding?> InspectEgressAsync(string content);

    /// <summary>Key versions, the key-encryption key wrapping each, and whether the key was destroyed; never key bytes.</summary>
    Task<WorkspaceKeyStatus> GetStatusAsync();
}
