using System.Text.Json;

namespace Platform.Gateway.Proxy;

/// <summary>
/// Maps a provider's error answer to the client's. The caller's own mistakes (400, 404, 413, 422) keep their status and
/// the provider's message; a provider rate limit stays 429 with its Retry-After; the provider refusing the operator's
/// credentials, or failing, is the platform's problem and becomes 502. Nothing is charged for any of them.
/// </summary>
internal static class UpstreamErrors
{
    public static Task RelayAsync(HttpContext context, HttpResponseMessage response, ReadOnlyMemory<byte> body)
    {
        var status = (int)response.StatusCode;
        var (message, type, code, param) = Read(body);
        switch (status)
        {
            case 400 or 404 or 409 or 413 or 422:
                return OpenAiError.WriteAsync(context, status, type ?? OpenAiError.InvalidRequest, message ?? $"The model provider refused the request (HTTP {status}).", param, code);
            case 429:
                if (response.Headers.RetryAfter?.Delta is { } delta)
                {
                    context.Response.Headers.RetryAfter = ((int)Math.Ceiling(delta.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                }

                return OpenAiError.WriteAsync(context, status, type ?? OpenAiError.RateLimit, $"The model provider is rate limiting: {message ?? "retry later"}", param, code ?? OpenAiError.RateLimit);
            case 401 or 403:
                return OpenAiError.WriteAsync(context, StatusCodes.Status502BadGateway, OpenAiError.Upstream, "The model provider refused the platform's credentials; the operator must fix the provider key. Nothing was charged.", code: "upstream_auth_failed");
            default:
                return OpenAiError.WriteAsync(context, StatusCodes.Status502BadGateway, OpenAiError.Upstream, $"The model provider failed (HTTP {status}){(message is null ? "" : $": {message}")}. Nothing was charged.", code: "upstream_failed");
        }
    }

    /// <summary>The fields of an OpenAI-shaped error body; all null when it is not one.</summary>
    private static (string? Message, string? Type, string? Code, string? Param) Read(ReadOnlyMemory<byte> body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("error", out var error)
                && error.ValueKind == JsonValueKind.Object)
            {
                return (Text(error, "message"), Text(error, "type"), Text(error, "code"), Text(error, "param"));
            }
        }
        catch (JsonException)
        {
        }

        return (null, null, null, null);
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
