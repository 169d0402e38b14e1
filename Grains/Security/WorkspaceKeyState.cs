namespace Platform.Grains.Security;

/// <summary>
/// What <see cref="WorkspaceKeyGrain"/> stores: data key versions wrapped under a KEK, never an unwrapped key.
/// After destruction only the tombstone (<see cref="DestroyedAt"/>) remains, so the id cannot quietly get a new key.
/// </summary>
public sealed class WorkspaceKeyState
{
    /// <summary>The version new data is encrypted with; 0 while there is none.</summary>
    public int CurrentVersion { get; set; }

    /// <summary>Every version still able to decrypt, oldest first.</summary>
    public IList<StoredDataKey> Keys { get; init; } = [];

    /// <summary>When the key was destroyed.</summary>
    public DateTimeOffset? DestroyedAt { get; set; }
}
