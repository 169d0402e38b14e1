using System.Collections.Immutable;

namespace Platform.Testing;

/// <summary>One request a test server received, as it arrived.</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The path and query.</param>
/// <param name="Headers">Headers by lower-case name (values of a repeated header joined with ", ").</param>
/// <param name="Body">The body as UTF-8 text.</param>
public sealed record RecordedHttpRequest(string Method, string Path, ImmutableDictionary<string, string> Headers, string Body)
{
    /// <summary>A header's value, or null.</summary>
    public string? Header(string name) => Headers.GetValueOrDefault(name.ToLowerInvariant());
}
