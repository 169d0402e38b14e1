namespace Platform.Grains.Security;

/// <summary>A data key encrypted under a key-encryption key.</summary>
/// <param name="KekId">The KEK version that wrapped it (also authenticated as associated data).</param>
/// <param name="Ciphertext">The wrapped key, in the provider's own format.</param>
public sealed record WrappedKey(string KekId, byte[] Ciphertext);
