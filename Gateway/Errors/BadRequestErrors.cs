using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;
using Platform.Gateway.Hosting;

namespace Platform.Gateway.Errors;

/// <summary>
/// What a <see cref="BadHttpRequestException"/> from minimal APIs' binding tells the caller: its status (400, 413, 415)
/// and a detail saying what was wrong and what is accepted, in the body's own field names.
/// </summary>
internal static partial class BadRequestErrors
{
    public static (int Status, string Detail) Describe(BadHttpRequestException exception, HttpContext context)
    {
        var options = context.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        var bodyType = BodyShape.Endpoint(context)?.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType;
        var message = exception.Message;
        switch (exception.StatusCode)
        {
            case StatusCodes.Status413PayloadTooLarge:
                return (StatusCodes.Status413PayloadTooLarge, "The request body is too large.");
            case StatusCodes.Status415UnsupportedMediaType:
                return (StatusCodes.Status415UnsupportedMediaType, StatusCodeResponses.UnsupportedMediaType(context.Request));
        }

        if (exception.InnerException is JsonException json)
        {
            return (StatusCodes.Status400BadRequest, JsonBodyErrors.Describe(json, bodyType, options));
        }

        if (message.StartsWith("Implicit body inferred", StringComparison.Ordinal) || (message.StartsWith("Required parameter", StringComparison.Ordinal) && message.EndsWith("from body.", StringComparison.Ordinal)))
        {
            var shape = bodyType is null ? "a JSON body" : BodyShape.Describe(bodyType, options);
            return (StatusCodes.Status400BadRequest, $"This request needs a body: {shape}, sent with 'Content-Type: application/json'.");
        }

        if (BindFailed().Match(message) is { Success: true } bind)
        {
            return (StatusCodes.Status400BadRequest, $"'{bind.Groups["name"].Value}' is '{bind.Groups["value"].Value}', which is not accepted; expected {WireNames.Describe(ParameterType(bind.Groups["type"].Value))}.");
        }

        if (NotProvided().Match(message) is { Success: true } missing)
        {
            return (StatusCodes.Status400BadRequest, $"The {missing.Groups["source"].Value} parameter '{missing.Groups["name"].Value}' is required.");
        }

        return (StatusCodes.Status400BadRequest, JsonBodyErrors.StripTypeNames(message));
    }

    // Binding names parameter types as C# writes them ("long", "Nullable<DateTimeOffset>", "int?").
    private static Type? ParameterType(string name)
    {
        name = name.TrimEnd('?');
        if (name.StartsWith("Nullable<", StringComparison.Ordinal))
        {
            name = name["Nullable<".Length..^1];
        }

        return name switch
        {
            "int" => typeof(int),
            "long" => typeof(long),
            "bool" => typeof(bool),
            "string" => typeof(string),
            "DateTimeOffset" => typeof(DateTimeOffset),
            "DateTime" => typeof(DateTime),
            "Guid" => typeof(Guid),
            "decimal" => typeof(decimal),
            "double" => typeof(double),
            _ => WireNames.Resolve(name),
        };
    }

    [GeneratedRegex("^Failed to bind parameter \"(?<type>.+) (?<name>[^ \"]+)\" from \"(?<value>.*)\"\\.$")]
    private static partial Regex BindFailed();

    [GeneratedRegex("^Required parameter \"(?<type>.+) (?<name>[^ \"]+)\" was not provided from (?<source>.+)\\.$")]
    private static partial Regex NotProvided();
}
