using System.ComponentModel.DataAnnotations;

namespace Platform.Grains.Connectors;

/// <summary>The operator's connector settings (section <c>Platform:Connectors</c>), validated when the host starts.</summary>
public sealed class ConnectorsOptions : IValidatableObject
{
    /// <summary>Slack: API at <c>https://slack.com/api/</c> by default.</summary>
    public ConnectorProviderOptions Slack { get; set; } = new() { ApiBaseUrl = new Uri("https://slack.com/api/"), Scope = "channels:history chat:write" };

    /// <summary>GitHub: API at <c>https://api.github.com/</c> by default.</summary>
    public ConnectorProviderOptions GitHub { get; set; } = new() { ApiBaseUrl = new Uri("https://api.github.com/"), Scope = "repo" };

    /// <summary>A token expiring sooner than this is refreshed before it is used.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan RefreshMargin { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long an authorization link (its state and PKCE verifier) stays valid.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "01:00:00")]
    public TimeSpan AuthorizationLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The provider settings of a kind, or null for kinds without OAuth (HTTP).</summary>
    public ConnectorProviderOptions? For(Platform.Grains.Interfaces.Connectors.ConnectorKind kind) => kind switch
    {
        Platform.Grains.Interfaces.Connectors.ConnectorKind.Slack => Slack,
        Platform.Grains.Interfaces.Connectors.ConnectorKind.GitHub => GitHub,
        _ => null,
    };

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, provider) in new[] { ("Slack", Slack), ("GitHub", GitHub) })
        {
            foreach (var result in provider.Validate(new ValidationContext(provider)))
            {
                yield return new ValidationResult($"{name}: {result.ErrorMessage}", result.MemberNames.Select(m => $"{name}.{m}"));
            }
        }
    }
}
