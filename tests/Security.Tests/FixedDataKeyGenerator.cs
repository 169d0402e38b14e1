using Platform.Grains.Security;

namespace Platform.Security.Tests;

/// <summary>Hands out a known data key (the canary), so a test can look for it where it must never be.</summary>
public sealed class FixedDataKeyGenerator(byte[] key) : IDataKeyGenerator
{
    public byte[] NewDataKey() => (byte[])key.Clone();
}
