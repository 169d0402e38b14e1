namespace Platform.Grains.Security;

/// <summary>A loaded KEK version. Deliberately not a record: a generated ToString would be one slip from printing the key.</summary>
internal sealed class KekVersion(string id, DateTimeOffset created, byte[] key)
{
    public string Id { get; } = id;

    public DateTimeOffset Created { get; } = created;

    public byte[] Key { get; } = key;
}
