namespace Platform.Gateway.Hosting;

/// <summary>
/// First in the pipeline: gives the request its id and, as the response starts, writes the security headers and
/// <c>X-Request-Id</c>. Writing at start rather than now is what keeps them on error responses, whose handlers clear
/// the headers set before.
/// </summary>
internal sealed class ResponseHeadersMiddleware(RequestDelegate next, ILogger<ResponseHeadersMiddleware> logger)
{
    public const string RequestIdHeader = "X-Request-Id";

    public async Task InvokeAsync(HttpContext context)
    {
        var replaced = RequestId.TryAccept(context.Request.Headers[RequestIdHeader], out var incoming);
        if (replaced)
        {
            context.TraceIdentifier = incoming!;
        }

        context.Response.OnStarting(static state =>
        {
            var http = (HttpContext)state;
            SecurityHeaders.Apply(http.Response);
            http.Response.Headers[RequestIdHeader] = http.TraceIdentifier;
            return Task.CompletedTask;
        }, context);

        // The host's own scope already holds its request id; a client's accepted id overrides it in this request's lines.
        using (replaced ? logger.BeginScope(new RequestIdScope(context.TraceIdentifier)) : null)
        {
            await next(context);
        }
    }
}
