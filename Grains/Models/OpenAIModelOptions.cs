using System.ComponentModel.DataAnnotations;

namespace Platform.Grains.Models;

/// <summary>
/// The <c>openai</c> provider's settings (section <c>Platform:Models:OpenAI</c>). The base URL and model are per
/// workspace (<see cref="Interfaces.Workspaces.ModelSettings"/>); the key is the operator's and is a secret: it is
/// sent only as the bearer token to the configured server and never logged.
/// </summary>
public sealed class OpenAIModelOptions : IValidatableObject
{
    /// <summary>The API key; required only once a workspace uses the <c>openai</c> provider.</summary>
    public string? ApiKey { get; set; }

    /// <summary>How long one network attempt to the model server may take.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(100);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // A pasted key with a newline would break the Authorization header; say so at start-up, without the value.
        if (ApiKey is { } key && (key.Length == 0 || key.Any(static c => char.IsWhiteSpace(c) || char.IsControl(c))))
        {
            yield return new ValidationResult("Platform:Models:OpenAI:ApiKey must not be empty or contain whitespace.", [nameof(ApiKey)]);
        }
    }

    /// <summary>Never prints the key.</summary>
    public override string ToString() => $"OpenAIModelOptions {{ ApiKey = {(ApiKey is null ? "unset" : "set")}, Timeout = {Timeout} }}";
}
