using System.Text.Json;

namespace Platform.Gateway.Proxy;

/// <summary>
/// Errors of the OpenAI-compatible endpoint in OpenAI's shape, <c>{"error":{"message","type","param","code"}}</c>, so
/// the official clients raise them with their message. The rest of the API answers RFC 9457 problem details.
/// </summary>
internal static class OpenAiError
{
    public const string InvalidRequest = "invalid_request_error";
    public const string Authentication = "authentication_error";
    public const string Permission = "permission_error";
    public const string RateLimit = "rate_limit_exceeded";
    public const string BudgetExceeded = "budget_exceeded";
    public const string Upstream = "upstream_error";
    public const string Server = "server_error";

    /// <summary>Whether <paramref name="context"/> is a request to the OpenAI-compatible endpoint.</summary>
    public static bool Applies(HttpContext context) => context.Request.Path.StartsWithSegments("/v1", StringComparison.Ordinal);

    public static async Task WriteAsync(HttpContext context, int status, string type, string message, string? param = null, string? code = null)
    {
        var response = context.Response;
        if (response.HasStarted)
        {
            // Headers are gone (a stream had begun); an SSE error event is all a client can still be told.
            await response.Body.WriteAsync(SseErrorEvent(type, message, code), context.RequestAborted);
            return;
        }

        response.StatusCode = status;
        response.ContentType = "application/json";
        await response.Body.WriteAsync(Body(type, message, param, code), context.RequestAborted);
    }

    public static byte[] Body(string type, string message, string? param = null, string? code = null)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            WriteObject(json, type, message, param, code);
        }

        return buffer.ToArray();
    }

    public static byte[] SseErrorEvent(string type, string message, string? code = null)
    {
        using var buffer = new MemoryStream();
        buffer.Write("data: "u8);
        using (var json = new Utf8JsonWriter(buffer))
        {
            WriteObject(json, type, message, null, code);
        }

        buffer.Write("\n\n"u8);
        return buffer.ToArray();
    }

    private static void WriteObject(Utf8JsonWriter json, string type, string message, string? param, string? code)
    {
        json.WriteStartObject();
        json.WriteStartObject("error");
        json.WriteString("message", message);
        json.WriteString("type", type);
        WriteNullable(json, "param", param);
        WriteNullable(json, "code", code ?? type);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteNullable(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }
}
