namespace Platform.Grains.Security;

/// <summary>
/// Makes new workspace data keys. The default draws 32 random bytes; a KMS with its own data-key generation (e.g. a
/// hardware RNG) can replace it, and tests plant known keys through it.
/// </summary>
public interface IDataKeyGenerator
{
    /// <summary>A new 32-byte AES-256 key; the caller owns (and clears) it.</summary>
    byte[] NewDataKey();
}
