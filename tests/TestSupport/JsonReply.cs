using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Platform.Testing;

/// <summary>
/// A JSON answer with a status and extra headers, for fakes whose providers send headers that carry meaning
/// (Retry-After, GitHub's <c>x-ratelimit-*</c>), which <see cref="Results"/> helpers cannot add.
/// </summary>
internal sealed class JsonReply(int statusCode, JsonNode body, IEnumerable<KeyValuePair<string, string>>? headers = null) : IResult
{
    /// <summary>Escapes only what JSON requires, as the providers do (non-ASCII text as is).</summary>
    private static readonly JsonSerializerOptions WireFormat = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <inheritdoc />
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var bytes = Encoding.UTF8.GetBytes(body.ToJsonString(WireFormat));
        httpContext.Response.StatusCode = statusCode;
        httpContext.Response.ContentType = "application/json; charset=utf-8";
        httpContext.Response.ContentLength = bytes.Length;
        foreach (var (name, value) in headers ?? [])
        {
            httpContext.Response.Headers[name] = value;
        }

        await httpContext.Response.Body.WriteAsync(bytes, httpContext.RequestAborted);
    }
}
