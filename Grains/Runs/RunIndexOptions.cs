using System.ComponentModel.DataAnnotations;

namespace Platform.Grains.Runs;

/// <summary>The run listing's settings (section <c>Platform:RunIndex</c>).</summary>
public sealed class RunIndexOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Platform:RunIndex";

    /// <summary>
    /// How many runs each workspace's listing keeps. The whole list is rewritten on every status change, so it is
    /// bounded; a run that falls off it is still reachable by id and in the audit log.
    /// </summary>
    [Range(10, 100_000)]
    public int MaxListed { get; set; } = 1000;
}
