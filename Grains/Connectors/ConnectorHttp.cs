using System.Buffers;
using System.Net.Http.Headers;

namespace Platform.Grains.Connectors;

/// <summary>
/// What the connector clients share: bounded body reads, the Retry-After header, a base URL that resolves relative
/// paths below it, and a token check that keeps a malformed token out of the transport's exception messages.
/// </summary>
internal static class ConnectorHttp
{
    /// <summary>The default cap on a provider's response body: far above any answer these clients expect.</summary>
    public const int DefaultMaxBodyBytes = 1024 * 1024;

    /// <summary>
    /// Reads the body, refusing one larger than <paramref name="limit"/> as <see cref="ConnectorFailure.Failed"/>, so a
    /// misbehaving or hostile endpoint cannot make the silo buffer without bound.
    /// </summary>
    public static async Task<byte[]> ReadBoundedAsync(HttpResponseMessage response, int limit, string provider, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength > limit)
        {
            throw TooLarge(provider, limit);
        }

        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            var buffer = new ArrayBufferWriter<byte>((int)Math.Min(response.Content.Headers.ContentLength ?? 4096, limit) + 1);
            int read;
            while ((read = await stream.ReadAsync(buffer.GetMemory(4096), cancellationToken)) > 0)
            {
                buffer.Advance(read);
                if (buffer.WrittenCount > limit)
                {
                    throw TooLarge(provider, limit);
                }
            }

            return buffer.WrittenSpan.ToArray();
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            throw new ConnectorApiException(ConnectorFailure.Failed, $"{provider} closed the connection mid-answer.", retryAfter: null, e);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ConnectorApiException(ConnectorFailure.Failed, $"{provider} did not answer in time.", retryAfter: null, e);
        }
    }

    private static ConnectorApiException TooLarge(string provider, int limit) =>
        new(ConnectorFailure.Failed, $"{provider} answered with a body larger than {limit} bytes.");

    /// <summary>How long the response asks the caller to wait (delta seconds or an HTTP date), or null when it does not say.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response, TimeProvider time)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - time.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }

    /// <summary>
    /// The base URL with a trailing slash, so <c>new Uri(base, "chat.postMessage")</c> lands below it rather than
    /// replacing its last segment. Only absolute http(s) URLs are accepted: the base comes from configuration.
    /// </summary>
    public static Uri NormalizeBase(Uri baseUrl)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        if (!baseUrl.IsAbsoluteUri || (baseUrl.Scheme != Uri.UriSchemeHttps && baseUrl.Scheme != Uri.UriSchemeHttp))
        {
            throw new ArgumentException("The base URL must be an absolute http or https URL.", nameof(baseUrl));
        }

        return baseUrl.AbsolutePath.EndsWith('/') ? baseUrl : new Uri(baseUrl.GetLeftPart(UriPartial.Path) + "/");
    }

    /// <summary>
    /// The Authorization header for <paramref name="token"/>. A token that is empty or holds anything but visible ASCII
    /// is refused here, because the transport's own error for such a header value could quote it.
    /// </summary>
    public static AuthenticationHeaderValue Bearer(string token, string provider)
    {
        if (string.IsNullOrEmpty(token) || token.Any(static c => c is < '!' or > '~'))
        {
            throw new ConnectorApiException(ConnectorFailure.Unauthorized, $"The {provider} token is missing or malformed; reconnect the account.");
        }

        return new AuthenticationHeaderValue("Bearer", token);
    }

    /// <summary>
    /// Sends the request, turning transport failures and timeouts (not the caller's own cancellation) into
    /// <see cref="ConnectorFailure.Failed"/> with a message that names the provider only.
    /// </summary>
    public static async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpRequestMessage request, string provider, CancellationToken cancellationToken)
    {
        try
        {
            return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new ConnectorApiException(ConnectorFailure.Failed, $"{provider} could not be reached.", retryAfter: null, e);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ConnectorApiException(ConnectorFailure.Failed, $"{provider} did not answer in time.", retryAfter: null, e);
        }
    }

    /// <summary>Whether <paramref name="code"/> looks like a provider's short error code (safe to quote), e.g. <c>channel_not_found</c>.</summary>
    public static bool IsShortCode(string? code) =>
        code is { Length: > 0 and <= 64 } && code.All(static c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_');
}
