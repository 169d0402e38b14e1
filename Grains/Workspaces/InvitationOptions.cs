using System.ComponentModel.DataAnnotations;

namespace Platform.Grains.Workspaces;

/// <summary>Invitation settings (section <c>Platform:Invitations</c>).</summary>
public sealed class InvitationOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Platform:Invitations";

    /// <summary>How long an invitation's code works; short, since whoever holds it becomes the invitee.</summary>
    [Range(typeof(TimeSpan), "00:05:00", "30.00:00:00", ErrorMessage = "Platform:Invitations:Lifetime must be between 5 minutes and 30 days.")]
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromHours(72);

    /// <summary>Redemption attempts one client address may make per minute (redemption needs no key, so it is guessed at).</summary>
    [Range(1, 100_000, ErrorMessage = "Platform:Invitations:RedeemAttemptsPerMinute must be between 1 and 100,000.")]
    public int RedeemAttemptsPerMinute { get; set; } = 10;
}
