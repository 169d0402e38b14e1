using System.Collections.Immutable;

namespace Platform.Grains.Interfaces.Security;

/// <summary>An encrypted field.</summary>
/// <param name="Ciphertext">Self-describing: format, data key version, nonce, tag and ciphertext; store it as is.</param>
/// <param name="KeyVersion">The data key version that made it (also inside <paramref name="Ciphertext"/>).</param>
[GenerateSerializer, Immutable, Alias("platform.EncryptedField")]
public sealed record EncryptedField(ImmutableArray<byte> Ciphertext, int KeyVersion);
