using System.Buffers;

namespace Platform.Grains.Connectors.GitHub;

/// <summary>
/// Checks repository names and file paths, which come from a model, before they become part of a URL: a name GitHub
/// could not have, or a path that climbs (<c>..</c>), is refused rather than escaped into some other endpoint.
/// </summary>
internal static class GitHubNames
{
    /// <summary>What an owner (user or organization login) may hold: letters, digits and hyphens.</summary>
    private static readonly SearchValues<char> OwnerChars = SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-");

    /// <summary>What a repository name may hold: letters, digits, hyphens, underscores and dots.</summary>
    private static readonly SearchValues<char> RepositoryChars = SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.");

    /// <summary>The longest file path accepted; far beyond real paths, short enough to keep URLs sane.</summary>
    private const int MaxPathLength = 1024;

    /// <summary>
    /// The <c>repos/{owner}/{repo}</c> path for <paramref name="repository"/> (<c>owner/name</c>): owner 1–39 letters,
    /// digits or hyphens not starting with a hyphen; name 1–100 letters, digits, <c>-</c>, <c>_</c> or <c>.</c>, not
    /// <c>.</c> or <c>..</c>. Nothing in such a name needs escaping.
    /// </summary>
    public static string RepositoryPath(string repository)
    {
        var slash = repository?.IndexOf('/', StringComparison.Ordinal) ?? -1;
        if (repository is null || slash < 0)
        {
            throw BadRepository();
        }

        var owner = repository.AsSpan(0, slash);
        var name = repository.AsSpan(slash + 1);
        if (owner.Length is < 1 or > 39 || owner[0] == '-' || owner.ContainsAnyExcept(OwnerChars)
            || name.Length is < 1 or > 100 || name.ContainsAnyExcept(RepositoryChars) || name is "." or "..")
        {
            throw BadRepository();
        }

        return $"repos/{repository}";
    }

    /// <summary>
    /// <paramref name="path"/> with each segment percent-escaped: relative (no leading <c>/</c>), no empty, <c>.</c> or
    /// <c>..</c> segments, no backslashes or control characters.
    /// </summary>
    public static string EscapedFilePath(string path)
    {
        if (string.IsNullOrEmpty(path) || path.Length > MaxPathLength || path.Contains('\\', StringComparison.Ordinal) || path.Any(char.IsControl))
        {
            throw BadPath();
        }

        var segments = path.Split('/');
        if (segments.Any(static s => s is "" or "." or ".."))
        {
            throw BadPath();
        }

        return string.Join('/', segments.Select(Uri.EscapeDataString));
    }

    /// <summary>A branch, tag or commit: printable, no spaces, bounded; escaped whole into the query.</summary>
    public static string EscapedRef(string gitRef)
    {
        if (gitRef.Length is < 1 or > 255 || gitRef.Any(static c => c is < '!' or > '~'))
        {
            throw new ConnectorApiException(ConnectorFailure.Invalid, "The git ref must be a branch, tag or commit name without spaces.");
        }

        return Uri.EscapeDataString(gitRef);
    }

    private static ConnectorApiException BadRepository() =>
        new(ConnectorFailure.Invalid, "The repository must be written owner/name, e.g. octocat/hello-world.");

    private static ConnectorApiException BadPath() =>
        new(ConnectorFailure.Invalid, "The file path must be relative to the repository root, e.g. docs/readme.md, without '..' or empty segments.");
}
