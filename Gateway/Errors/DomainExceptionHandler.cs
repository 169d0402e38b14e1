using Microsoft.AspNetCore.Diagnostics;
using Platform.Grains.Interfaces.Approvals;
using Platform.Grains.Interfaces.Egress;
using Platform.Grains.Interfaces.Workspaces;
using Platform.Silo;
using Platform.Silo.Isolation;

namespace Platform.Gateway.Errors;

/// <summary>
/// Turns the exceptions grains throw into problem details (RFC 9457). Not-found and not-yours look the same (404), so
/// a caller cannot probe for another workspace's ids. Unexpected exceptions stay 500 with no detail.
/// </summary>
internal sealed class DomainExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    /// <summary>
    /// Whether <paramref name="exception"/> is an expected refusal (a 4xx): those are the caller's mistake, answered and
    /// not logged with a stack trace. Everything else is the platform's failure and keeps its diagnostics.
    /// </summary>
    public static bool IsExpected(Exception exception, HttpContext context) => Classify(exception, context).Status is >= 400 and < 500;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title, detail) = Classify(exception, httpContext);
        if (Proxy.OpenAiError.Applies(httpContext))
        {
            if (httpContext.RequestAborted.IsCancellationRequested)
            {
                // The client is gone (it closed the connection mid-request): there is nobody to answer.
                return true;
            }

            // The OpenAI clients read only their own error shape; an unexpected failure is a 500 with no detail there too.
            var (code, message) = status == 0 ? (StatusCodes.Status500InternalServerError, "The platform failed to handle the request.") : (status, detail);
            await Proxy.OpenAiError.WriteAsync(httpContext, code, code >= 500 ? Proxy.OpenAiError.Server : Proxy.OpenAiError.InvalidRequest, message);
            return true;
        }

        if (status == 0)
        {
            return false;
        }

        httpContext.Response.StatusCode = status;
        var context = new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        };
        if (exception is SecretDetectedException secret)
        {
            // The proxy's error code, so one client check covers both; the handle and encoding, never the value.
            context.ProblemDetails.Extensions["code"] = SecretDetectedException.Code;
            context.ProblemDetails.Extensions["secret"] = secret.Secret;
            context.ProblemDetails.Extensions["encoding"] = secret.Encoding;
        }

        return await problems.TryWriteAsync(context);
    }

    private static (int Status, string Title, string Detail) Classify(Exception exception, HttpContext context)
    {
        switch (exception)
        {
            case BadHttpRequestException bad:
                var (status, detail) = BadRequestErrors.Describe(bad, context);
                return (status, status == StatusCodes.Status415UnsupportedMediaType ? "Unsupported media type" : "Bad request", detail);
            case SecretDetectedException:
                return (StatusCodes.Status400BadRequest, "Secret detected", exception.Message);
            case ArgumentException argument:
                return (StatusCodes.Status400BadRequest, "Invalid request", StripParameterSuffix(argument));
            case WorkspaceNotFoundException:
                return (StatusCodes.Status404NotFound, "Not found", exception.Message);

            // The runtime refused a call into another workspace: answered as absent, so it confirms nothing exists.
            case TenantIsolationException:
                return (StatusCodes.Status404NotFound, "Not found", "No such resource in this workspace.");
            case WorkspaceConflictException or ApprovalConflictException:
                return (StatusCodes.Status409Conflict, "Conflict", exception.Message);
            case ApprovalForbiddenException or WorkspaceForbiddenException:
                return (StatusCodes.Status403Forbidden, "Forbidden", exception.Message);
            case StorageUnavailableException or SiloUnavailableException:
                return (StatusCodes.Status503ServiceUnavailable, "Unavailable", "Storage is unavailable; try again shortly.");
            case TimeoutException:
                return (StatusCodes.Status504GatewayTimeout, "Timed out", "The request took too long.");
            default:
                return (0, "", "");
        }
    }

    private static string StripParameterSuffix(ArgumentException exception) =>
        exception.ParamName is { } name ? exception.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal) : exception.Message;
}
