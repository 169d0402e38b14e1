namespace Platform.Grains.Security;

/// <summary>The key file as JSON: which KEK version is current, and every version still kept.</summary>
internal sealed class KeyFileDocument
{
    public int Format { get; set; } = 1;

    public string Current { get; set; } = "";

    public IList<KeyFileEntry> Keys { get; init; } = [];
}
