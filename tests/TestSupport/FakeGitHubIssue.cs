namespace Platform.Testing;

/// <summary>An issue <see cref="FakeGitHubServer"/> created.</summary>
/// <param name="Repository">The repository, <c>owner/name</c>, as seeded.</param>
/// <param name="Number">The issue number the fake gave it.</param>
/// <param name="Title">The title as received.</param>
/// <param name="Body">The body as received, or null when the request had none.</param>
public sealed record FakeGitHubIssue(string Repository, int Number, string Title, string? Body);
