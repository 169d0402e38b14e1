using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Platform.Grains.Interfaces.Secrets;

/// <summary>
/// A reference to a workspace secret, <c>secret://name</c>: what prompts, settings and tool arguments hold instead of
/// the value. Only the tool executor turns a handle into a value, at the moment of the call.
/// </summary>
public static partial class SecretHandle
{
    /// <summary>The scheme prefix of a handle.</summary>
    public const string Prefix = "secret://";

    /// <summary>Names that connectors manage (their OAuth tokens); people cannot set, rotate or delete them.</summary>
    public const string ConnectorPrefix = "connector.";

    /// <summary>Lower-case letters, digits, dot, dash and underscore; 1 to 64 characters, starting with a letter or digit.</summary>
    public static bool IsValidName([NotNullWhen(true)] string? name) => name is not null && NamePattern().IsMatch(name);

    /// <summary>Reads the name out of <c>secret://name</c>.</summary>
    public static bool TryParse(string? handle, [NotNullWhen(true)] out string? name)
    {
        name = null;
        if (handle is null || !handle.StartsWith(Prefix, StringComparison.Ordinal) || !IsValidName(handle[Prefix.Length..]))
        {
            return false;
        }

        name = handle[Prefix.Length..];
        return true;
    }

    /// <summary>The handle of a secret named <paramref name="name"/>.</summary>
    public static string For(string name) => Prefix + name;

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,63}$", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex NamePattern();
}
