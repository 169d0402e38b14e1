using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Platform.Grains.Connectors.OAuth;

/// <summary>
/// The platform's side of the token endpoint (RFC 6749) and of revocation (RFC 7009), authenticating as a confidential
/// client with client_secret_basic. Give it an <see cref="HttpClient"/> that does not follow redirects (see
/// <see cref="OAuthServiceCollectionExtensions.AddOAuthClient"/>): a redirected POST could carry the code or the
/// client's credentials to another host.
/// </summary>
public sealed class OAuthClient(HttpClient httpClient, TimeProvider timeProvider, ILogger<OAuthClient> logger)
{
    /// <summary>
    /// Exchanges an authorization <paramref name="code"/> and its PKCE <paramref name="codeVerifier"/> for tokens
    /// (RFC 6749 4.1.3, RFC 7636 4.5). Throws <see cref="OAuthProtocolException"/> when refused; a code is good for one
    /// exchange, and a provider may revoke everything granted with it when it is presented twice.
    /// </summary>
    public Task<OAuthTokens> ExchangeCodeAsync(OAuthProviderOptions provider, string code, string codeVerifier, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentException.ThrowIfNullOrEmpty(code);
        ArgumentException.ThrowIfNullOrEmpty(codeVerifier);
        provider.EnsureValid();
        return RequestTokensAsync(provider, "authorization_code", [
            new("grant_type", "authorization_code"),
            new("code", code),
            new("redirect_uri", provider.RedirectUri!.AbsoluteUri),
            new("code_verifier", codeVerifier),
        ], cancellationToken);
    }

    /// <summary>
    /// Gets a new access token with <paramref name="refreshToken"/> (RFC 6749 6). If the answer has a new refresh token
    /// the old one may be dead already (rotation): store the new one before using the access token.
    /// <see cref="OAuthProtocolException.IsInvalidGrant"/> means the user must connect again.
    /// </summary>
    public Task<OAuthTokens> RefreshAsync(OAuthProviderOptions provider, string refreshToken, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentException.ThrowIfNullOrEmpty(refreshToken);
        provider.EnsureValid();
        return RequestTokensAsync(provider, "refresh_token", [
            new("grant_type", "refresh_token"),
            new("refresh_token", refreshToken),
        ], cancellationToken);
    }

    /// <summary>
    /// Asks the provider to revoke <paramref name="token"/> (RFC 7009), with <paramref name="tokenTypeHint"/>
    /// <c>access_token</c> or <c>refresh_token</c> if known. Best effort: a disconnecting connector forgets its tokens
    /// whatever this returns. <see langword="true"/> means the provider confirmed (a 200, which RFC 7009 also answers for
    /// tokens that were already invalid); <see langword="false"/> means it has no revocation endpoint, refused, or could
    /// not be reached, which is logged (without the token). Only cancellation throws.
    /// </summary>
    public async Task<bool> RevokeAsync(OAuthProviderOptions provider, string token, string? tokenTypeHint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentException.ThrowIfNullOrEmpty(token);
        provider.EnsureValid();
        if (provider.RevocationEndpoint is not { } endpoint)
        {
            OAuthLog.NoRevocationEndpoint(logger, provider.TokenEndpoint!.Authority);
            return false;
        }

        List<KeyValuePair<string, string>> form = [new("token", token)];
        if (!string.IsNullOrEmpty(tokenTypeHint))
        {
            form.Add(new("token_type_hint", tokenTypeHint));
        }

        try
        {
            using var response = await SendAsync(provider, endpoint, form, cancellationToken);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                OAuthLog.Revoked(logger, endpoint.Authority);
                return true;
            }

            var error = await OAuthTokenResponse.ReadErrorAsync(response, cancellationToken);
            OAuthLog.RevocationNotConfirmed(logger, endpoint.Authority, $"{(int)response.StatusCode} {error.Error}");
            return false;
        }
        catch (HttpRequestException e)
        {
            OAuthLog.RevocationNotConfirmed(logger, endpoint.Authority, e.HttpRequestError.ToString());
            return false;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            OAuthLog.RevocationNotConfirmed(logger, endpoint.Authority, "timeout");
            return false;
        }
    }

    private async Task<OAuthTokens> RequestTokensAsync(OAuthProviderOptions provider, string grant, List<KeyValuePair<string, string>> form, CancellationToken cancellationToken)
    {
        // Taken before sending, so a slow answer makes the expiry err early rather than late.
        var requestedAt = timeProvider.GetUtcNow();
        var endpoint = provider.TokenEndpoint!;
        using var response = await SendAsync(provider, endpoint, form, cancellationToken);
        try
        {
            var tokens = await OAuthTokenResponse.ReadAsync(response, requestedAt, cancellationToken);
            OAuthLog.TokensReceived(logger, grant, endpoint.Authority);
            return tokens;
        }
        catch (OAuthProtocolException e)
        {
            OAuthLog.TokenRequestRefused(logger, grant, endpoint.Authority, (int)response.StatusCode, e.Error);
            throw;
        }
    }

    private Task<HttpResponseMessage> SendAsync(OAuthProviderOptions provider, Uri endpoint, List<KeyValuePair<string, string>> form, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Authorization = BasicCredentials(provider);
        // GitHub answers form-encoded unless asked for JSON.
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return SendAndDisposeRequestAsync(request, cancellationToken);
    }

    private async Task<HttpResponseMessage> SendAndDisposeRequestAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        {
            return await httpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
    }

    /// <summary>
    /// RFC 6749 2.3.1: id and secret are form-url-encoded before they are joined with a colon and base64-encoded, so a
    /// colon or non-ASCII character in either survives; strict servers (oidc-provider) decode them that way.
    /// </summary>
    private static AuthenticationHeaderValue BasicCredentials(OAuthProviderOptions provider)
    {
        var joined = WebUtility.UrlEncode(provider.ClientId) + ":" + WebUtility.UrlEncode(provider.ClientSecret);
        return new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(joined)));
    }
}
