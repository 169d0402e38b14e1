namespace Platform.Grains.Security;

/// <summary>One KEK version in the key file.</summary>
internal sealed class KeyFileEntry
{
    public string Id { get; set; } = "";

    public DateTimeOffset Created { get; set; }

    /// <summary>The 32 key bytes, base64.</summary>
    public string Key { get; set; } = "";
}
