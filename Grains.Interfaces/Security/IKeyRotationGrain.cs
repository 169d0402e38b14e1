namespace Platform.Grains.Interfaces.Security;

/// <summary>
/// The durable progress record of a key-encryption key rotation (key: <c>kek</c>). The rotation itself runs outside
/// any grain (it calls every workspace's key grain, which would outlast one call's timeout); this grain only remembers
/// where it got to, so a rotation interrupted by a crash resumes with the same target key and retires the old one
/// only once every workspace was rewrapped.
/// </summary>
[Alias("platform.IKeyRotationGrain")]
public interface IKeyRotationGrain : IGrainWithStringKey
{
    /// <summary>The recorded progress (a fresh record when no rotation was ever started).</summary>
    Task<KeyRotationProgress> GetAsync();

    /// <summary>Records that a rotation away from <paramref name="previousKekId"/> starts, before the provider rotates.</summary>
    Task<KeyRotationProgress> BeginAsync(string previousKekId);

    /// <summary>Records the key-encryption key every workspace is being rewrapped to.</summary>
    Task<KeyRotationProgress> SetTargetAsync(string targetKekId);

    /// <summary>Records that <paramref name="workspaceId"/> is wrapped under the target key.</summary>
    Task RecordRewrappedAsync(string workspaceId);

    /// <summary>Records that every workspace was rewrapped and the previous key retired.</summary>
    Task<KeyRotationProgress> CompleteAsync();
}
