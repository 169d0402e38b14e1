namespace Platform.Grains.Secrets;

/// <summary>A secret as persisted: the value only as workspace-key ciphertext bound to the secret's name.</summary>
public sealed class StoredSecret
{
    public string Name { get; set; } = "";

    public string SealedValue { get; set; } = "";

    public string Fingerprint { get; set; } = "";

    public int Version { get; set; }

    public string ManagedBy { get; set; } = "user";

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset RotatedAt { get; set; }

    public DateTimeOffset? LastUsedAt { get; set; }

    public string? LastUsedBy { get; set; }

    /// <summary>Values earlier rotations replaced that the egress guard still blocks, oldest first.</summary>
    public List<RetiredSecretValue> Previous { get; set; } = [];
}
