using System.Collections.Immutable;

namespace Platform.Grains.Interfaces.Security;

/// <summary>A field to decrypt.</summary>
/// <param name="Purpose">The purpose it was encrypted for.</param>
/// <param name="Ciphertext">What <see cref="IWorkspaceKeyGrain.EncryptAsync"/> returned.</param>
[GenerateSerializer, Immutable, Alias("platform.DecryptRequest")]
public sealed record DecryptRequest(string Purpose, ImmutableArray<byte> Ciphertext);
