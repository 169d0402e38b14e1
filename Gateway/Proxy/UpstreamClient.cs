using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;

using Microsoft.Extensions.Options;

using Platform.Grains.Models;

namespace Platform.Gateway.Proxy;

/// <summary>
/// Sends chat completion requests to a workspace's OpenAI-compatible model provider. One pooled handler serves every
/// workspace (connections are per host), with no cookies, redirects or decompression: the proxy relays bytes.
/// The operator's provider key (<c>Platform:Models:OpenAI:ApiKey</c>) is the bearer token when one is configured.
/// </summary>
internal sealed class UpstreamClient(IOptions<OpenAIModelOptions> models) : IDisposable
{
    private readonly HttpMessageInvoker _invoker = new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        UseProxy = false,
        AutomaticDecompression = DecompressionMethods.None,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
        ConnectTimeout = TimeSpan.FromSeconds(10),

        // No W3C trace headers to the provider: they cost time per call and would tell a third party about our traces.
        ActivityHeadersPropagator = null,
    }, disposeHandler: true);

    private readonly ConcurrentDictionary<string, Uri> _endpoints = new(StringComparer.Ordinal);

    // The list is fixed at start-up, so each base URL is judged once.
    private readonly ConcurrentDictionary<string, bool> _allowed = new(StringComparer.Ordinal);
    private readonly AuthenticationHeaderValue? _authorization =
        models.Value.ApiKey is { Length: > 0 } key ? new AuthenticationHeaderValue("Bearer", key) : null;

    private static readonly MediaTypeHeaderValue Json = new("application/json");

    /// <summary>Whether the operator allows its key to go to <paramref name="baseUrl"/> (<see cref="OpenAIModelOptions.AllowedBaseUrls"/>).</summary>
    public bool Allows(string? baseUrl) => _allowed.GetOrAdd(
        baseUrl ?? "",
        static (url, options) => Uri.TryCreate(url.Length == 0 ? ChatClientProvider.DefaultOpenAIEndpoint.AbsoluteUri : url, UriKind.Absolute, out var uri) && options.Allows(uri),
        models.Value);

    public Task<HttpResponseMessage> SendAsync(string? baseUrl, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Endpoint(baseUrl))
        {
            Content = new ReadOnlyMemoryContent(body) { Headers = { ContentType = Json } },
        };
        request.Headers.Authorization = _authorization;
        return _invoker.SendAsync(request, cancellationToken);
    }

    public void Dispose() => _invoker.Dispose();

    private Uri Endpoint(string? baseUrl) => _endpoints.GetOrAdd(
        string.IsNullOrEmpty(baseUrl) ? ChatClientProvider.DefaultOpenAIEndpoint.AbsoluteUri : baseUrl,
        static url => new Uri(url.TrimEnd('/') + "/chat/completions", UriKind.Absolute));
}
