using Platform.Grains.Interfaces.Workspaces;

namespace Platform.Grains.Workspaces;

/// <summary>An API key at rest: its listing plus a random salt and SHA-256(salt ‖ secret). The secret itself is never kept.</summary>
public sealed class StoredApiKey
{
    public required ApiKeyView View { get; set; }

    public required byte[] Salt { get; set; }

    public required byte[] SecretHash { get; set; }
}
