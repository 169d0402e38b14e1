namespace Platform.Grains.Security;

/// <summary>One data key version, wrapped.</summary>
public sealed class StoredDataKey
{
    /// <summary>1, 2, 3, … within the workspace; written into every ciphertext it makes.</summary>
    public int Version { get; set; }

    /// <summary>The KEK version that wraps it.</summary>
    public string KekId { get; set; } = "";

    /// <summary>The wrapped key, base64.</summary>
    public string Wrapped { get; set; } = "";

    /// <summary>When the version was created.</summary>
    public DateTimeOffset CreatedAt { get; set; }
}
