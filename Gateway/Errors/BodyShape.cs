using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;

namespace Platform.Gateway.Errors;

/// <summary>The fields a request body type accepts, as the serializer reads them, for messages that say what is accepted.</summary>
internal static partial class BodyShape
{
    /// <summary>The JSON names of the fields a body of <paramref name="type"/> may carry.</summary>
    public static IReadOnlyList<string> Fields(Type type, JsonSerializerOptions options)
    {
        var info = options.GetTypeInfo(type);
        return info.Kind == JsonTypeInfoKind.Object
            ? [.. info.Properties.Where(static p => p.Set is not null || p.AssociatedParameter is not null).Select(static p => p.Name)]
            : [];
    }

    /// <summary>"a JSON object with the fields a, b", or a word for a body that is not an object.</summary>
    public static string Describe(Type type, JsonSerializerOptions options)
    {
        var fields = Fields(type, options);
        return fields.Count > 0 ? $"a JSON object with the fields {string.Join(", ", fields)}" : WireNames.Describe(type);
    }

    /// <summary>The body the request's endpoint reads, described; <see langword="null"/> when it reads none by type.</summary>
    public static string? ForEndpoint(HttpContext context)
    {
        if (Endpoint(context)?.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType is not { } type || type == typeof(JsonElement))
        {
            return null;
        }

        return Describe(type, context.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions);
    }

    /// <summary>The request's endpoint; inside the exception handler, the one that threw (the handler clears the current one).</summary>
    public static Endpoint? Endpoint(HttpContext context) =>
        context.Features.Get<Microsoft.AspNetCore.Diagnostics.IExceptionHandlerFeature>()?.Endpoint ?? context.GetEndpoint();

    /// <summary>The type of the value at a serializer path ("$.scopes[0]") inside a body of <paramref name="bodyType"/>.</summary>
    public static Type? TypeAt(Type bodyType, string? path, JsonSerializerOptions options)
    {
        if (string.IsNullOrEmpty(path) || !path.StartsWith('$'))
        {
            return null;
        }

        var type = bodyType;
        foreach (System.Text.RegularExpressions.Match segment in PathSegment().Matches(path[1..]))
        {
            if (segment.Groups[1].Success)
            {
                var name = segment.Groups[1].Value;
                var info = options.GetTypeInfo(Nullable.GetUnderlyingType(type) ?? type);
                if (info.Kind != JsonTypeInfoKind.Object || info.Properties.FirstOrDefault(p => p.Name == name) is not { } property)
                {
                    return null;
                }

                type = property.PropertyType;
            }
            else if (options.GetTypeInfo(type).ElementType is { } element)
            {
                type = element;
            }
            else
            {
                return null;
            }
        }

        return type;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\.([^.\[]+)|\[(\d+)\]")]
    private static partial System.Text.RegularExpressions.Regex PathSegment();
}
