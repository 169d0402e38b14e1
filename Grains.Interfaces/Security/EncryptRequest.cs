using System.Collections.Immutable;

namespace Platform.Grains.Interfaces.Security;

/// <summary>A field to encrypt.</summary>
/// <param name="Purpose">What the field is (e.g. <c>run.message</c>, <c>tool.arguments</c>, <c>secret.value</c>); a ciphertext decrypts only for the same purpose.</param>
/// <param name="Plaintext">The field's bytes.</param>
[GenerateSerializer, Immutable, Alias("platform.EncryptRequest")]
public sealed record EncryptRequest(string Purpose, ImmutableArray<byte> Plaintext);
