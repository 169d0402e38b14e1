using System.Collections.Immutable;
using System.Text.Json;

namespace Platform.Gateway.Errors;

/// <summary>
/// How a .NET type looks on the wire, for error messages: "a whole number", "one of: admin, member", never the type's
/// name. The serializer's own messages name .NET types, which tell a caller nothing and tell an attacker too much.
/// </summary>
internal static class WireNames
{
    /// <summary>A type named in a serializer message ("System.Int64", "System.Nullable`1[System.Int64]"), if loaded.</summary>
    public static Type? Resolve(string name)
    {
        // "System.Nullable`1[System.Int64]" or "System.Nullable`1[[System.Int64, System.Private.CoreLib, …]]".
        const string NullablePrefix = "System.Nullable`1[";
        if (name.StartsWith(NullablePrefix, StringComparison.Ordinal))
        {
            name = name[NullablePrefix.Length..].TrimStart('[').Split(',', ']')[0];
        }

        var generic = name.IndexOf('[', StringComparison.Ordinal);
        if (generic > 0)
        {
            name = name[..generic];
        }

        var platform = AppDomain.CurrentDomain.GetAssemblies()
            .Where(static a => a.GetName().Name?.StartsWith("Platform.", StringComparison.Ordinal) == true || a.GetName().Name == "System.Collections.Immutable")
            .ToList();

        // Binding names a type by its short name ("ApiKeyScope"), the serializer by its full name.
        return Type.GetType(name)
            ?? platform.Select(a => a.GetType(name)).FirstOrDefault(static t => t is not null)
            ?? (name.Contains('.', StringComparison.Ordinal) ? null : platform.SelectMany(static a => a.GetExportedTypes()).FirstOrDefault(t => t.Name == name));
    }

    /// <summary>What a value of <paramref name="type"/> is, in words a client understands.</summary>
    public static string Describe(Type? type)
    {
        type = type is null ? null : Nullable.GetUnderlyingType(type) ?? type;
        return type switch
        {
            null => "a value of another kind",
            { IsEnum: true } => $"one of: {string.Join(", ", EnumValues(type))}",
            _ when type == typeof(string) => "a string",
            _ when type == typeof(bool) => "true or false",
            _ when type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(uint) || type == typeof(ulong) => "a whole number",
            _ when type == typeof(decimal) || type == typeof(double) || type == typeof(float) => "a number",
            _ when type == typeof(DateTimeOffset) || type == typeof(DateTime) => "a date and time such as 2026-01-31T12:00:00Z",
            _ when type == typeof(TimeSpan) => "a duration such as 00:05:00",
            _ when type == typeof(Guid) => "a UUID",
            _ when type.Name.StartsWith("Immutable", StringComparison.Ordinal) || type.IsArray || type.Name.StartsWith("List`", StringComparison.Ordinal) => "an array",
            _ => "a JSON object",
        };
    }

    /// <summary>An enum's values as they are written on the wire (camelCase).</summary>
    public static ImmutableArray<string> EnumValues(Type enumType) =>
        [.. Enum.GetNames(enumType).Select(static n => JsonNamingPolicy.CamelCase.ConvertName(n))];

    /// <summary>A serializer path ("$.scopes[0]") as a field name ("scopes[0]"); the root is "the body".</summary>
    public static string Field(string? path) =>
        string.IsNullOrEmpty(path) || path == "$" ? "the body" : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
}
