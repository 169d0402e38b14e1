using System.Net.Mail;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Platform.Grains.Tools;

/// <summary>
/// A JSON-schema checker for the subset the catalog's schemas use: <c>type</c> (object, string, array),
/// <c>properties</c>, <c>required</c>, <c>additionalProperties: false</c>, <c>minLength</c>/<c>maxLength</c>,
/// <c>maxItems</c>, <c>items</c>, <c>enum</c>, <c>pattern</c> and <c>format</c> email/uri. A keyword outside the subset
/// makes the schema itself invalid (it throws), so a schema can never silently check less than it says.
/// </summary>
internal static class ToolSchemaValidator
{
    private static readonly HashSet<string> Known = new(StringComparer.Ordinal)
    {
        "type", "properties", "required", "additionalProperties", "minLength", "maxLength", "maxItems", "items", "enum",
        "pattern", "format", "description", "minimum", "maximum",
    };

    /// <summary>Returns null when <paramref name="value"/> satisfies <paramref name="schema"/>, else the first reason it does not.</summary>
    public static string? Check(JsonElement schema, JsonElement value, string path)
    {
        foreach (var keyword in schema.EnumerateObject())
        {
            if (!Known.Contains(keyword.Name))
            {
                throw new InvalidOperationException($"Schema keyword '{keyword.Name}' at {path} is not supported by the tool validator.");
            }
        }

        if (schema.TryGetProperty("enum", out var allowed) && !allowed.EnumerateArray().Any(a => JsonElement.DeepEquals(a, value)))
        {
            return $"{path} must be one of {allowed.GetRawText()}.";
        }

        var type = schema.TryGetProperty("type", out var t) ? t.GetString() : null;
        return type switch
        {
            "object" => CheckObject(schema, value, path),
            "string" => CheckString(schema, value, path),
            "array" => CheckArray(schema, value, path),
            "integer" => CheckInteger(schema, value, path),
            null => null,
            _ => throw new InvalidOperationException($"Schema type '{type}' at {path} is not supported by the tool validator."),
        };
    }

    private static string? CheckInteger(JsonElement schema, JsonElement value, string path)
    {
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var number))
        {
            return $"{path} must be an integer.";
        }

        if (schema.TryGetProperty("minimum", out var min) && number < min.GetInt64())
        {
            return $"{path} must be at least {min.GetInt64()}.";
        }

        if (schema.TryGetProperty("maximum", out var max) && number > max.GetInt64())
        {
            return $"{path} must be at most {max.GetInt64()}.";
        }

        return null;
    }

    private static string? CheckObject(JsonElement schema, JsonElement value, string path)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            return $"{path} must be an object.";
        }

        var properties = schema.TryGetProperty("properties", out var p) ? p : default;
        var closed = schema.TryGetProperty("additionalProperties", out var additional) && additional.ValueKind == JsonValueKind.False;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in value.EnumerateObject())
        {
            if (!seen.Add(property.Name))
            {
                return $"{path} has the field '{property.Name}' twice.";
            }

            if (properties.ValueKind == JsonValueKind.Object && properties.TryGetProperty(property.Name, out var propertySchema))
            {
                if (Check(propertySchema, property.Value, $"{path}.{property.Name}") is { } error)
                {
                    return error;
                }
            }
            else if (closed)
            {
                return $"{path} has an unknown field '{property.Name}'.";
            }
        }

        if (schema.TryGetProperty("required", out var required))
        {
            foreach (var name in required.EnumerateArray().Select(static r => r.GetString()!))
            {
                if (!seen.Contains(name))
                {
                    return $"{path}.{name} is required.";
                }
            }
        }

        return null;
    }

    private static string? CheckString(JsonElement schema, JsonElement value, string path)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            return $"{path} must be a string.";
        }

        var text = value.GetString()!;
        if (schema.TryGetProperty("minLength", out var min) && text.Length < min.GetInt32())
        {
            return $"{path} must hold at least {min.GetInt32()} characters.";
        }

        if (schema.TryGetProperty("maxLength", out var max) && text.Length > max.GetInt32())
        {
            return $"{path} must hold at most {max.GetInt32()} characters.";
        }

        if (schema.TryGetProperty("pattern", out var pattern)
            && !Regex.IsMatch(text, pattern.GetString()!, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100)))
        {
            return $"{path} has a character or shape it may not have (pattern {pattern.GetString()}).";
        }

        if (schema.TryGetProperty("format", out var format))
        {
            switch (format.GetString())
            {
                case "email" when !IsEmail(text):
                    return $"{path} is not a valid email address.";
                case "uri" when !IsHttpUrl(text):
                    return $"{path} is not an absolute http(s) URL without credentials.";
                case "email" or "uri":
                    break;
                default:
                    throw new InvalidOperationException($"Schema format '{format.GetString()}' at {path} is not supported by the tool validator.");
            }
        }

        return null;
    }

    private static string? CheckArray(JsonElement schema, JsonElement value, string path)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            return $"{path} must be an array.";
        }

        if (schema.TryGetProperty("maxItems", out var max) && value.GetArrayLength() > max.GetInt32())
        {
            return $"{path} must hold at most {max.GetInt32()} items.";
        }

        if (schema.TryGetProperty("items", out var items))
        {
            var index = 0;
            foreach (var item in value.EnumerateArray())
            {
                if (Check(items, item, $"{path}[{index++}]") is { } error)
                {
                    return error;
                }
            }
        }

        return null;
    }

    /// <summary>
    /// A plain addr-spec only: no display name, no comments, no quoted local part, no whitespace or control
    /// characters, a dotted domain. Stricter than RFC 5322 on purpose: the address ends up in SMTP commands and headers.
    /// </summary>
    internal static bool IsEmail(string text)
    {
        if (text.Length > 254 || text.Any(static c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '<' or '>' or '"' or '(' or ')' or ',' or ';' or ':' or '\\'))
        {
            return false;
        }

        var at = text.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0 || at != text.LastIndexOf('@') || at == text.Length - 1)
        {
            return false;
        }

        var domain = text[(at + 1)..];
        if (!domain.Contains('.', StringComparison.Ordinal) || domain.StartsWith('.') || domain.EndsWith('.') || domain.Contains("..", StringComparison.Ordinal))
        {
            return false;
        }

        return MailAddress.TryCreate(text, out var parsed) && parsed.Address == text && string.IsNullOrEmpty(parsed.DisplayName);
    }

    internal static bool IsHttpUrl(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        && string.IsNullOrEmpty(uri.UserInfo)
        && !text.Any(static c => char.IsWhiteSpace(c) || char.IsControl(c));
}
