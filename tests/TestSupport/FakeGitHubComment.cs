namespace Platform.Testing;

/// <summary>A comment <see cref="FakeGitHubServer"/> created.</summary>
/// <param name="Repository">The repository, <c>owner/name</c>, as seeded.</param>
/// <param name="IssueNumber">The issue it comments on.</param>
/// <param name="Id">The comment id the fake gave it.</param>
/// <param name="Body">The body as received.</param>
public sealed record FakeGitHubComment(string Repository, int IssueNumber, long Id, string Body);
