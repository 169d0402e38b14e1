namespace Platform.Grains.Connectors.GitHub;

/// <summary>An issue GitHub created: its number within the repository and the page a person opens.</summary>
/// <param name="Number">The issue number, as in <c>#42</c>.</param>
/// <param name="HtmlUrl">The issue's page on GitHub.</param>
public sealed record GitHubIssue(int Number, Uri HtmlUrl);
