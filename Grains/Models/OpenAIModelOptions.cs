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

    /// <summary>
    /// The only model servers the operator's key is sent to. A workspace admin chooses the base URL; without this list
    /// any tenant could point it at a server of its own and collect the key. An entry allows every base URL with its
    /// scheme and host (and its port, when the entry names one) whose path lies under the entry's path. OpenAI's own
    /// endpoint is always allowed; configured entries are added to it (<c>Platform:Models:OpenAI:AllowedBaseUrls:0</c>).
    /// </summary>
    public List<string> AllowedBaseUrls { get; set; } = ["https://api.openai.com/v1"];

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

        foreach (var entry in AllowedBaseUrls)
        {
            if (!Uri.TryCreate(entry, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                yield return new ValidationResult($"Platform:Models:OpenAI:AllowedBaseUrls: '{entry}' is not an absolute http(s) URL.", [nameof(AllowedBaseUrls)]);
            }
        }
    }

    /// <summary>Whether the operator's key may be sent to <paramref name="baseUrl"/>.</summary>
    public bool Allows(Uri baseUrl)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        foreach (var entry in AllowedBaseUrls)
        {
            if (Uri.TryCreate(entry, UriKind.Absolute, out var allowed)
                && allowed.Scheme == baseUrl.Scheme
                && string.Equals(allowed.IdnHost, baseUrl.IdnHost, StringComparison.OrdinalIgnoreCase)
                && (!HasExplicitPort(entry, allowed) || allowed.Port == baseUrl.Port)
                && UnderPath(baseUrl.AbsolutePath, allowed.AbsolutePath))
            {
                return true;
            }
        }

        return false;
    }

    private static bool HasExplicitPort(string entry, Uri uri) =>
        !uri.IsDefaultPort || entry.Contains($":{uri.Port}", StringComparison.Ordinal);

    private static bool UnderPath(string path, string allowedPath)
    {
        var prefix = allowedPath.TrimEnd('/');
        return prefix.Length == 0 || path == prefix || path.StartsWith(prefix + "/", StringComparison.Ordinal);
    }

    /// <summary>Never prints the key.</summary>
    public override string ToString() => $"OpenAIModelOptions {{ ApiKey = {(ApiKey is null ? "unset" : "set")}, Timeout = {Timeout} }}";
}
