namespace Platform.Gateway.Proxy;

/// <summary>Why the proxy refuses a request before it reaches the model provider, as an OpenAI error.</summary>
internal sealed record ProxyRejection(int Status, string Type, string Message, string? Param = null, string? Code = null)
{
    public static ProxyRejection Invalid(string message, string? param = null) =>
        new(StatusCodes.Status400BadRequest, OpenAiError.InvalidRequest, message, param);
}
