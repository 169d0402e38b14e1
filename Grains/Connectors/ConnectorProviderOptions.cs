using System.ComponentModel.DataAnnotations;
using Platform.Grains.Connectors.OAuth;

namespace Platform.Grains.Connectors;

/// <summary>The operator's settings for one OAuth connector kind: where its API is, and its OAuth client.</summary>
public sealed class ConnectorProviderOptions : IValidatableObject
{
    /// <summary>The API's root (tests point it at a local server speaking the same wire format).</summary>
    public Uri? ApiBaseUrl { get; set; }

    /// <summary>The OAuth scope asked for, space-separated as the provider spells it.</summary>
    public string Scope { get; set; } = "";

    /// <summary>The OAuth client; without it, connectors of this kind cannot be created.</summary>
    public OAuthProviderOptions? OAuth { get; set; }

    /// <summary>Whether the operator set this kind up.</summary>
    public bool IsConfigured => OAuth is not null && ApiBaseUrl is not null;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ApiBaseUrl is { } api && (!api.IsAbsoluteUri || (api.Scheme != Uri.UriSchemeHttps && !api.IsLoopback) || !api.AbsolutePath.EndsWith('/')))
        {
            yield return new ValidationResult("ApiBaseUrl must be an absolute https URL ending in '/' (http only on loopback).", [nameof(ApiBaseUrl)]);
        }

        if (OAuth is not null)
        {
            if (string.IsNullOrWhiteSpace(Scope))
            {
                yield return new ValidationResult("Scope is required when OAuth is set.", [nameof(Scope)]);
            }

            var results = new List<ValidationResult>();
            Validator.TryValidateObject(OAuth, new ValidationContext(OAuth), results, validateAllProperties: true);
            foreach (var result in results)
            {
                yield return new ValidationResult($"OAuth: {result.ErrorMessage}", result.MemberNames.Select(m => $"OAuth.{m}"));
            }
        }
    }
}
