using Microsoft.AspNetCore.Diagnostics;
using Platform.Gateway.Proxy;

namespace Platform.Gateway.Hosting;

/// <summary>
/// The body of a response that ended with a status and nothing else (no route, wrong method, wrong content type):
/// problem details that say what was wrong and what is accepted, or OpenAI's error shape under <c>/v1</c>.
/// </summary>
internal static class StatusCodeResponses
{
    public static Task WriteAsync(StatusCodeContext status)
    {
        var context = status.HttpContext;
        var code = context.Response.StatusCode;
        var request = context.Request;
        var route = $"{request.Method} {request.Path}";
        var (title, detail) = code switch
        {
            StatusCodes.Status404NotFound when OpenAiError.Applies(context) =>
                ("Not found", $"Unknown route {route}: this OpenAI-compatible endpoint serves POST /v1/chat/completions and GET /v1/models."),
            StatusCodes.Status404NotFound => ("Not found", $"No route matches {route}; the API is described at /openapi/v1.json."),
            StatusCodes.Status405MethodNotAllowed => ("Method not allowed", $"{route} is not allowed; the route exists with other methods (see /openapi/v1.json)."),
            StatusCodes.Status415UnsupportedMediaType => ("Unsupported media type", UnsupportedMediaType(request)),
            _ => (ReasonPhrase(code), $"The request failed with status {code}."),
        };

        if (OpenAiError.Applies(context))
        {
            var type = code == StatusCodes.Status404NotFound ? "unknown_url" : code == StatusCodes.Status415UnsupportedMediaType ? "unsupported_media_type" : null;
            return OpenAiError.WriteAsync(context, code, OpenAiError.InvalidRequest, detail, code: type);
        }

        // Written whatever the Accept header says: this is an API, and an empty 404 tells a caller nothing.
        return TypedResults.Problem(detail: detail, statusCode: code, title: title).ExecuteAsync(context);
    }

    /// <summary>What the 415 says: the media type the request had, and the one accepted.</summary>
    public static string UnsupportedMediaType(HttpRequest request)
    {
        var body = Errors.BodyShape.ForEndpoint(request.HttpContext) is { } shape ? $"the body ({shape})" : "the body";
        var sent = request.ContentType is { Length: > 0 } type ? $"The Content-Type '{(type.Length > 100 ? type[..100] + "…" : type)}' is not accepted" : "The request has no Content-Type";
        return $"{sent}; send {body} as JSON with 'Content-Type: application/json'.";
    }

    private static string ReasonPhrase(int code) =>
        Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(code) is { Length: > 0 } phrase ? phrase : "Error";
}
