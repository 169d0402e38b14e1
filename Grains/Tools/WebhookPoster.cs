using System.Net.Http.Json;
using System.Text.Json;

namespace Platform.Grains.Tools;

/// <summary>Posts <c>{"text": message}</c> with an <c>Idempotency-Key</c> header through the factory's webhook client (no redirects, bounded time).</summary>
public sealed class WebhookPoster(IHttpClientFactory clients)
{
    /// <summary>The named client; its handler refuses redirects so an allowlisted URL cannot bounce the post elsewhere.</summary>
    public const string ClientName = "Platform.Webhooks";

    /// <summary>Posts and answers the HTTP status code.</summary>
    public async Task<int> PostAsync(Uri url, string message, string idempotencyKey, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = JsonContent.Create(new Dictionary<string, string> { ["text"] = message }, options: JsonSerializerOptions.Web),
        };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        using var client = clients.CreateClient(ClientName);
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        return (int)response.StatusCode;
    }
}
