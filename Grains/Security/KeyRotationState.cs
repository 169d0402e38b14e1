namespace Platform.Grains.Security;

/// <summary>What <see cref="KeyRotationGrain"/> stores; see <see cref="Platform.Grains.Interfaces.Security.KeyRotationProgress"/>.</summary>
public sealed class KeyRotationState
{
    /// <summary>The KEK rotated away from.</summary>
    public string? PreviousKekId { get; set; }

    /// <summary>The KEK rotated to, once the provider rotated.</summary>
    public string? TargetKekId { get; set; }

    /// <summary>Workspaces already wrapped under the target.</summary>
    public ISet<string> Rewrapped { get; init; } = new SortedSet<string>(StringComparer.Ordinal);

    /// <summary>When the rotation started.</summary>
    public DateTimeOffset? StartedAt { get; set; }

    /// <summary>When it finished.</summary>
    public DateTimeOffset? CompletedAt { get; set; }
}
