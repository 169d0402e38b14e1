using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Platform.Grains.Connectors;

/// <summary>
/// The HTTP connector's calls, through the named client whose handler checks every destination after DNS (no private,
/// loopback or link-local address unless the operator allowlisted it) and follows no redirect. Bodies are bounded.
/// </summary>
public sealed class HttpToolClient(IHttpClientFactory clients)
{
    /// <summary>The named, guarded client.</summary>
    public const string ClientName = "Platform.Connectors.Http";

    /// <summary>The most of a response body read; more is cut off, and the result says so.</summary>
    public const int MaxResponseBytes = 64 * 1024;

    /// <summary>GETs <paramref name="url"/>; answers the status and the body as text.</summary>
    public Task<(int Status, string Body)> GetAsync(Uri url, string? bearerToken, CancellationToken cancellationToken) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Get, url), bearerToken, cancellationToken);

    /// <summary>POSTs <paramref name="body"/> (as JSON when it parses as JSON, else plain text).</summary>
    public Task<(int Status, string Body)> PostAsync(Uri url, string body, string? bearerToken, string idempotencyKey, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(body, Encoding.UTF8, IsJson(body) ? "application/json" : "text/plain"),
        };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        return SendAsync(request, bearerToken, cancellationToken);
    }

    private async Task<(int Status, string Body)> SendAsync(HttpRequestMessage request, string? bearerToken, CancellationToken cancellationToken)
    {
        using (request)
        {
            if (bearerToken is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearerToken);
            }

            using var client = clients.CreateClient(ClientName);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            var buffer = new byte[MaxResponseBytes];
            var read = 0;
            int n;
            while (read < buffer.Length && (n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken)) > 0)
            {
                read += n;
            }

            var text = Encoding.UTF8.GetString(buffer, 0, read);
            return ((int)response.StatusCode, read == buffer.Length ? text + "\n[cut off]" : text);
        }
    }

    private static bool IsJson(string body)
    {
        try
        {
            using var _ = JsonDocument.Parse(body);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
