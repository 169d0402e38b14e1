using System.Text.Json;
using System.Text.RegularExpressions;

namespace Platform.Gateway.Errors;

/// <summary>
/// Rewrites the serializer's messages about a request body into ones that say which field was wrong and what it
/// accepts, with no .NET type names: "scopes[0]: accepted values are admin, member, approver, proxy".
/// </summary>
internal static partial class JsonBodyErrors
{
    public static string Describe(JsonException exception, Type? bodyType, JsonSerializerOptions options)
    {
        var message = exception.Message;
        var field = WireNames.Field(exception.Path);
        if (NotConverted().Match(message) is { Success: true } conversion)
        {
            // For a constructor parameter the serializer names the type holding it, not the field's: the path says which.
            var type = (bodyType is null ? null : BodyShape.TypeAt(bodyType, exception.Path, options)) ?? WireNames.Resolve(conversion.Groups["type"].Value);
            if (field == "the body" && bodyType is not null)
            {
                return $"The body must be {BodyShape.Describe(bodyType, options)}.";
            }

            var expected = type is { IsEnum: true } ? $"accepted values are {string.Join(", ", WireNames.EnumValues(type))}" : $"expected {WireNames.Describe(type)}";
            return $"{field}: the value is not accepted; {expected}.";
        }

        if (NotMapped().Match(message) is { Success: true } unmapped)
        {
            var owner = WireNames.Resolve(unmapped.Groups["type"].Value) ?? bodyType;
            var accepted = owner is null ? "" : $"; accepted fields are {string.Join(", ", BodyShape.Fields(owner, options))}";
            return $"'{unmapped.Groups["name"].Value}' is not a field of this body{accepted}.";
        }

        if (Duplicate().Match(message) is { Success: true } duplicate)
        {
            return $"The field '{duplicate.Groups["name"].Value}' appears more than once; send each field once.";
        }

        if (message.StartsWith("Duplicate properties not allowed", StringComparison.Ordinal))
        {
            return $"{field}: a field appears more than once; send each field once.";
        }

        if (MissingRequired().Match(message) is { Success: true } missing)
        {
            return $"Required fields are missing: {missing.Groups["names"].Value.Replace("'", "", StringComparison.Ordinal)}.";
        }

        // A syntax error: the reader's own words are about JSON, not .NET; only the position suffix is reworded.
        var position = exception.LineNumber is { } line ? $" (line {line + 1}, byte {exception.BytePositionInLine + 1})" : "";
        return $"The body is not valid JSON: {StripTypeNames(PositionSuffix().Replace(message, ""))}{position}";
    }

    /// <summary>Replaces any .NET type name left in <paramref name="message"/> with a neutral word.</summary>
    public static string StripTypeNames(string message) => TypeName().Replace(message, "a value");

    [GeneratedRegex(@"^The JSON value could not be converted to (?<type>\S+?)\. Path:")]
    private static partial Regex NotConverted();

    [GeneratedRegex(@"^The JSON property '(?<name>[^']*)' could not be mapped to any \.NET member contained in type '(?<type>[^']+)'")]
    private static partial Regex NotMapped();

    [GeneratedRegex(@"^Duplicate property '(?<name>[^']*)' encountered")]
    private static partial Regex Duplicate();

    [GeneratedRegex(@"was missing required properties including: (?<names>.+?)\.(\s|$)")]
    private static partial Regex MissingRequired();

    [GeneratedRegex(@"\s*(Path: \S+ \| )?LineNumber: \d+ \| BytePositionInLine: \d+\.?$")]
    private static partial Regex PositionSuffix();

    [GeneratedRegex(@"\b(System|Platform|Microsoft)\.[A-Za-z0-9_.`\[\],]+")]
    private static partial Regex TypeName();
}
