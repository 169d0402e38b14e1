using System.ComponentModel.DataAnnotations;

namespace Platform.Grains.Security;

/// <summary>
/// Where <see cref="AzureKeyVaultKekProvider"/> keeps the key-encryption keys (<c>Platform:Keys:AzureKeyVault</c>): the
/// versions of one Key Vault secret. Validated when the host starts, so a typo stops the start rather than the first
/// encryption.
/// </summary>
public sealed class AzureKeyVaultOptions : IValidatableObject
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Platform:Keys:AzureKeyVault";

    /// <summary>The vault, e.g. <c>https://contoso-platform.vault.azure.net/</c>. Must be https: the KEKs travel over it.</summary>
    [Required]
    public Uri? VaultUri { get; set; }

    /// <summary>The secret whose versions are the KEK versions; nothing else may write to it.</summary>
    [Required]
    [RegularExpression("^[0-9a-zA-Z-]{1,127}$", ErrorMessage = "SecretName must be 1 to 127 letters, digits and dashes (a Key Vault secret name).")]
    public string SecretName { get; set; } = "platform-kek";

    /// <summary>The Entra tenant of the service principal; with <see cref="ClientId"/> and <see cref="ClientSecret"/> selects a client-secret credential.</summary>
    public string? TenantId { get; set; }

    /// <summary>The service principal's application (client) id.</summary>
    public string? ClientId { get; set; }

    /// <summary>The service principal's secret. Prefer a managed identity (leave all three unset) where the host runs in Azure.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>The Entra authority, for sovereign clouds (e.g. <c>https://login.microsoftonline.us/</c>); the public cloud when unset.</summary>
    public Uri? AuthorityHost { get; set; }

    /// <summary>Skips Entra instance discovery, for authorities that do not offer it (Azure Stack, a test double).</summary>
    public bool DisableInstanceDiscovery { get; set; }

    /// <summary>
    /// Accepts an authentication challenge whose resource is not the vault's own domain (a vault behind a custom domain or a
    /// test double). Off by default: the check stops a hijacked vault address from obtaining a token for another resource.
    /// </summary>
    public bool DisableChallengeResourceVerification { get; set; }

    /// <summary>True when a client-secret credential is configured; otherwise <c>DefaultAzureCredential</c> is used.</summary>
    public bool UsesClientSecret => !string.IsNullOrWhiteSpace(ClientId);

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (VaultUri is { } vault && (!vault.IsAbsoluteUri || vault.Scheme != Uri.UriSchemeHttps))
        {
            yield return new ValidationResult("VaultUri must be an absolute https URI, e.g. https://contoso.vault.azure.net/.", [nameof(VaultUri)]);
        }

        if (AuthorityHost is { } authority && (!authority.IsAbsoluteUri || authority.Scheme != Uri.UriSchemeHttps))
        {
            yield return new ValidationResult("AuthorityHost must be an absolute https URI.", [nameof(AuthorityHost)]);
        }

        var given = new[] { TenantId, ClientId, ClientSecret }.Count(v => !string.IsNullOrWhiteSpace(v));
        if (given is not (0 or 3))
        {
            // The message names the settings, never their values: one of them is a secret.
            yield return new ValidationResult(
                "TenantId, ClientId and ClientSecret go together: set all three for a client-secret credential, or none for DefaultAzureCredential.",
                [nameof(TenantId), nameof(ClientId), nameof(ClientSecret)]);
        }
    }
}
