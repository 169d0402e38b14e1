using System.ComponentModel.DataAnnotations;

namespace Platform.Grains.Secrets;

/// <summary>How the secret store treats values it no longer holds (<c>Platform:Secrets</c>).</summary>
public sealed class SecretsOptions
{
    public const string SectionName = "Platform:Secrets";

    /// <summary>
    /// How long the egress guard keeps blocking a secret's value after a rotation replaced it. Rotating at the platform
    /// does not revoke the old value where it was issued, so a leak of it is still a leak; zero stops at once.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "365.00:00:00")]
    public TimeSpan PreviousValueBlockPeriod { get; set; } = TimeSpan.FromDays(30);
}
