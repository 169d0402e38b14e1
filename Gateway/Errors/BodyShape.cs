using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;

namespace Platform.Gateway.Errors;

/// <summary>The fields a request body type accepts, as the serializer reads them, for messages that say what is accepted.</summary>
internal static class BodyShape
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
        if (context.GetEndpoint()?.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType is not { } type || type == typeof(JsonElement))
        {
            return null;
        }

        return Describe(type, context.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions);
    }
}
