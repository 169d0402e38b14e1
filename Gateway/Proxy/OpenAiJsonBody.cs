namespace Platform.Gateway.Proxy;

/// <summary>
/// Refuses a <c>/v1</c> body that is not declared JSON with a 415 in OpenAI's shape: the proxy reads the body itself,
/// so minimal APIs' own content-type check (and its problem details) never runs there.
/// </summary>
internal static class OpenAiJsonBody
{
    public static async ValueTask<object?> RequireAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        if (!context.Request.HasJsonContentType())
        {
            await OpenAiError.WriteAsync(context, StatusCodes.Status415UnsupportedMediaType, OpenAiError.InvalidRequest, Hosting.StatusCodeResponses.UnsupportedMediaType(context.Request), code: "unsupported_media_type");
            return Results.Empty;
        }

        return await next(invocation);
    }
}
