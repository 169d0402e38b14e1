using System.ComponentModel.DataAnnotations;

namespace Platform.Grains.Workspaces;

/// <summary>How long the gateway remembers a successful key check (section <c>Platform:KeyCache</c>).</summary>
public sealed class KeyCacheOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Platform:KeyCache";

    /// <summary>
    /// How long a key check is remembered; zero asks the workspace on every request. A change of the workspace (a key
    /// revoked, a member removed or demoted, the policy or model changed) forgets its checks at once, so this bounds
    /// only how long an unchanged answer is reused (and, on a cluster, how long a silo cut off from the others when the
    /// change was made may still use an earlier answer).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The most checks remembered at once; beyond it a check is simply not remembered.</summary>
    [Range(1, 10_000_000)]
    public int MaxEntries { get; set; } = 100_000;
}
