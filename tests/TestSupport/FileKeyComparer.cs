namespace Platform.Testing;

/// <summary>
/// Compares <see cref="FakeGitHubServer"/>'s file keys as GitHub does: the repository without regard to case, the ref
/// and the path exactly.
/// </summary>
internal sealed class FileKeyComparer : IEqualityComparer<(string Repository, string Ref, string Path)>
{
    public static readonly FileKeyComparer Instance = new();

    public bool Equals((string Repository, string Ref, string Path) x, (string Repository, string Ref, string Path) y) =>
        string.Equals(x.Repository, y.Repository, StringComparison.OrdinalIgnoreCase) && x.Ref == y.Ref && x.Path == y.Path;

    public int GetHashCode((string Repository, string Ref, string Path) obj) =>
        HashCode.Combine(StringComparer.OrdinalIgnoreCase.GetHashCode(obj.Repository), obj.Ref, obj.Path);
}
