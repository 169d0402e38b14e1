using System.Collections.Immutable;

namespace Platform.Grains.Interfaces.Security;

/// <summary>What an operator may know about a workspace's data key: versions and wrapping, never key material.</summary>
/// <param name="WorkspaceId">The workspace.</param>
/// <param name="CurrentVersion">The version new data is encrypted with; 0 while no key exists.</param>
/// <param name="Versions">Every stored version, oldest first; empty once destroyed.</param>
/// <param name="DestroyedAt">When the key was destroyed, or <see langword="null"/>.</param>
[GenerateSerializer, Immutable, Alias("platform.WorkspaceKeyStatus")]
public sealed record WorkspaceKeyStatus(
    string WorkspaceId,
    int CurrentVersion,
    ImmutableArray<DataKeyVersionInfo> Versions,
    DateTimeOffset? DestroyedAt)
{
    /// <summary>Whether the key was crypto-shredded.</summary>
    public bool IsDestroyed => DestroyedAt is not null;
}
