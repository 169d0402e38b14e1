using Platform.Grains.Interfaces.Models;

namespace Platform.Grains.Models;

/// <summary>What makes a catalogue entry valid, for configuration and the operator API alike; each problem names the field and the rule.</summary>
public static class ModelCatalogRules
{
    public const long MaxPrice = 100_000_000;

    public const int MaxOutputTokens = 1_000_000;

    public const int MaxIdLength = 64;

    public const int MaxWorkspaces = 10_000;

    /// <summary>Throws <see cref="ArgumentException"/> with the problem, if any.</summary>
    public static void Validate(CatalogEntry entry, OpenAIModelOptions providers)
    {
        if (Problem(entry, providers) is { } problem)
        {
            throw new ArgumentException(problem, nameof(entry));
        }
    }

    /// <summary>Whether <paramref name="id"/> can name an entry: 1 to 64 of letters, digits and <c>. _ : -</c>, starting with a letter or digit.</summary>
    public static bool IsValidId(string? id) =>
        id is { Length: > 0 and <= MaxIdLength } && char.IsAsciiLetterOrDigit(id[0]) && id.All(static c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or ':' or '-');

    /// <summary>The problem with <paramref name="entry"/>, or <see langword="null"/> when it is valid.</summary>
    public static string? Problem(CatalogEntry entry, OpenAIModelOptions providers)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(providers);
        if (!IsValidId(entry.Id))
        {
            return $"id must be 1 to {MaxIdLength} letters, digits, '.', '_', ':' or '-', starting with a letter or digit.";
        }

        if (entry.Provider is not ("local" or "openai"))
        {
            return "provider must be 'local' or 'openai'.";
        }

        if (string.IsNullOrWhiteSpace(entry.Model) || entry.Model.Length > 100 || entry.Model.Any(char.IsControl))
        {
            return "model (the upstream model name) is required, at most 100 characters without control characters.";
        }

        if (entry.Provider == "local" && entry.BaseUrl is not null)
        {
            return "baseUrl is for provider 'openai' only; the local model has none.";
        }

        if (entry.Provider == "openai" && entry.BaseUrl is { } baseUrl)
        {
            if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || !string.IsNullOrEmpty(uri.UserInfo))
            {
                return $"baseUrl '{baseUrl}' is not an absolute http(s) URL without credentials.";
            }

            if (!providers.Allows(uri))
            {
                return $"baseUrl '{baseUrl}' is not on the operator's allowlist Platform:Models:OpenAI:AllowedBaseUrls ({string.Join(", ", providers.AllowedBaseUrls)}); the operator's provider key is sent only there.";
            }
        }

        if (entry.InputPricePer1kTokens is < 0 or > MaxPrice || entry.OutputPricePer1kTokens is < 0 or > MaxPrice)
        {
            return $"inputPricePer1kTokens and outputPricePer1kTokens are required, each from 0 to 100,000,000 micro-dollars per 1,000 tokens.";
        }

        if (entry.MaxOutputTokens is < 1 or > MaxOutputTokens)
        {
            return $"maxOutputTokens is required, from 1 to 1,000,000.";
        }

        if (entry.Workspaces is { } only)
        {
            if (entry.Id == CatalogEntry.DefaultId)
            {
                return $"the default entry '{CatalogEntry.DefaultId}' serves every workspace (it is where a workspace falls back to); leave workspaces out.";
            }

            if (only.IsEmpty || only.Length > MaxWorkspaces || only.Any(static w => string.IsNullOrWhiteSpace(w) || w.Length > 256))
            {
                return $"workspaces, when given, lists 1 to 10,000 workspace ids; leave it out to admit every workspace.";
            }
        }

        return null;
    }
}
