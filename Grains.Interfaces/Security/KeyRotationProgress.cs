using System.Collections.Immutable;

namespace Platform.Grains.Interfaces.Security;

/// <summary>Where a key-encryption key rotation got to.</summary>
/// <param name="PreviousKekId">The key being rotated away from; <see langword="null"/> before the first rotation.</param>
/// <param name="TargetKekId">The key being rotated to; <see langword="null"/> until the provider rotated.</param>
/// <param name="Rewrapped">Workspaces already wrapped under <paramref name="TargetKekId"/>.</param>
/// <param name="StartedAt">When the rotation started.</param>
/// <param name="CompletedAt">When it finished; <see langword="null"/> while in progress.</param>
[GenerateSerializer, Immutable, Alias("platform.KeyRotationProgress")]
public sealed record KeyRotationProgress(
    string? PreviousKekId,
    string? TargetKekId,
    ImmutableSortedSet<string> Rewrapped,
    DateTimeOffset? StartedAt,
    DateTimeOffset? CompletedAt)
{
    /// <summary>Whether a rotation was started and not finished.</summary>
    public bool InProgress => StartedAt is not null && CompletedAt is null;
}
