using System.ComponentModel.DataAnnotations;

namespace Platform.Grains.Workspaces;

/// <summary>Invitation settings (section <c>Platform:Invitations</c>).</summary>
public sealed class InvitationOptions : IValidatableObject
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Platform:Invitations";

    private static readonly TimeSpan ShortestLifetime = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan LongestLifetime = TimeSpan.FromDays(30);

    /// <summary>How long an invitation's code works; short, since whoever holds it becomes the invitee.</summary>
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromHours(72);

    /// <summary>Redemption attempts one client address may make per minute (redemption needs no key, so it is guessed at).</summary>
    public int RedeemAttemptsPerMinute { get; set; } = 10;

    // Checked here rather than with [Range]: the generated validator's range check drops a custom ErrorMessage
    // (dotnet/runtime#123137), and these messages name the setting the operator has to change.
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Lifetime < ShortestLifetime || Lifetime > LongestLifetime)
        {
            yield return new ValidationResult("Platform:Invitations:Lifetime must be between 5 minutes and 30 days.", [nameof(Lifetime)]);
        }

        if (RedeemAttemptsPerMinute is < 1 or > 100_000)
        {
            yield return new ValidationResult("Platform:Invitations:RedeemAttemptsPerMinute must be between 1 and 100,000.", [nameof(RedeemAttemptsPerMinute)]);
        }
    }
}
