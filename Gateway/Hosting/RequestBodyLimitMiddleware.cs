using Microsoft.Extensions.Options;

namespace Platform.Gateway.Hosting;

/// <summary>
/// Refuses a body whose declared length passes <see cref="GatewayOptions.MaxRequestBodyBytes"/> before anything reads it,
/// with a 400 problem; Kestrel's own limit catches bodies that do not declare their length.
/// </summary>
internal sealed class RequestBodyLimitMiddleware(RequestDelegate next, IOptions<GatewayOptions> options)
{
    public async Task InvokeAsync(HttpContext context, IProblemDetailsService problems)
    {
        var limit = options.Value.MaxRequestBodyBytes;
        if (context.Request.ContentLength > limit)
        {
            if (Proxy.OpenAiError.Applies(context))
            {
                await Proxy.OpenAiError.WriteAsync(context, StatusCodes.Status400BadRequest, Proxy.OpenAiError.InvalidRequest, $"The request body is too large; the limit is {limit} bytes.");
                return;
            }

            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await problems.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = { Status = StatusCodes.Status400BadRequest, Title = "Bad request", Detail = $"The request body is too large; the limit is {limit} bytes." },
            });
            return;
        }

        await next(context);
    }
}
