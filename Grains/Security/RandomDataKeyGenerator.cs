using System.Security.Cryptography;

namespace Platform.Grains.Security;

/// <summary>Data keys from the operating system's cryptographic RNG.</summary>
public sealed class RandomDataKeyGenerator : IDataKeyGenerator
{
    /// <inheritdoc />
    public byte[] NewDataKey() => RandomNumberGenerator.GetBytes(FieldCipher.KeySize);
}
