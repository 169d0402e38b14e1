using System.ComponentModel.DataAnnotations;

namespace Platform.Grains.Tools;

/// <summary>
/// Where <c>email.send</c> hands mail over (section <c>Platform:Smtp</c>). The client speaks plain SMTP without TLS or
/// authentication, so <see cref="Host"/> must be a relay on a trusted network (typically a local MTA that does the rest).
/// </summary>
public sealed class SmtpOptions : IValidatableObject
{
    [Required]
    public string Host { get; set; } = "localhost";

    [Range(1, 65535)]
    public int Port { get; set; } = 25;

    /// <summary>The envelope and header sender of every agent mail.</summary>
    [Required]
    public string From { get; set; } = "agent@platform.localhost";

    /// <summary>The name sent with EHLO.</summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9.-]{1,253}$")]
    public string HeloName { get; set; } = "platform.localhost";

    /// <summary>How long one whole delivery (connect to QUIT) may take.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!ToolSchemaValidator.IsEmail(From))
        {
            yield return new ValidationResult("Platform:Smtp:From must be a plain email address.", [nameof(From)]);
        }

        if (Host.Any(static c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            yield return new ValidationResult("Platform:Smtp:Host must be a host name or address.", [nameof(Host)]);
        }
    }
}
