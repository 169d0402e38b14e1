using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Platform.Grains.Connectors.OAuth;
using Platform.Testing;

namespace Platform.Grains.Tests.Connectors;

/// <summary>The OAuth client against a real, strict authorization server (oidc-provider), the user played by a test browser.</summary>
public sealed class OAuthFlowTests(OidcProviderFixture fixture) : IClassFixture<OidcProviderFixture>, IDisposable
{
    private readonly FakeTimeProvider _clock = TestClock.Create();
    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false });
    private OidcProviderServer Server => fixture.Server;

    private OAuthClient Client => new(_http, _clock, NullLogger<OAuthClient>.Instance);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task A_consented_authorization_yields_a_code_that_exchanges_for_active_tokens()
    {
        var state = OAuthAuthorization.CreateState();
        var request = OAuthAuthorization.Begin(fixture.Provider, OidcProviderFixture.Scope, state);

        var callback = await Server.AuthorizeAsBrowserAsync(request.Url, cancellationToken: Cancellation);
        var query = ParseQuery(callback);
        Assert.True(OAuthAuthorization.StateMatches(state, query.GetValueOrDefault("state")));
        var tokens = await Client.ExchangeCodeAsync(fixture.Provider, query["code"], request.CodeVerifier, Cancellation);

        Assert.NotEmpty(tokens.AccessToken);
        Assert.NotNull(tokens.RefreshToken);
        Assert.Equal("Bearer", tokens.TokenType, ignoreCase: true);
        Assert.Equal(_clock.GetUtcNow().AddMinutes(10), tokens.ExpiresAt);
        Assert.Contains("chat:write", tokens.GrantedScope!.Split(' '));
        Assert.True(await Server.IsActiveAsync(tokens.AccessToken, Cancellation));
        Assert.True(await Server.IsActiveAsync(tokens.RefreshToken, Cancellation));
    }

    [Fact]
    public async Task A_code_with_the_wrong_verifier_is_refused_as_invalid_grant()
    {
        var request = OAuthAuthorization.Begin(fixture.Provider, OidcProviderFixture.Scope, OAuthAuthorization.CreateState());
        var code = ParseQuery(await Server.AuthorizeAsBrowserAsync(request.Url, cancellationToken: Cancellation))["code"];
        var otherVerifier = OAuthAuthorization.Begin(fixture.Provider, OidcProviderFixture.Scope, "x").CodeVerifier;

        var refused = await Assert.ThrowsAsync<OAuthProtocolException>(() => Client.ExchangeCodeAsync(fixture.Provider, code, otherVerifier, Cancellation));

        Assert.True(refused.IsInvalidGrant);
        Assert.DoesNotContain(code, refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(otherVerifier, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reused_code_is_refused_and_revokes_everything_granted_with_it()
    {
        var request = OAuthAuthorization.Begin(fixture.Provider, OidcProviderFixture.Scope, OAuthAuthorization.CreateState());
        var code = ParseQuery(await Server.AuthorizeAsBrowserAsync(request.Url, cancellationToken: Cancellation))["code"];
        var first = await Client.ExchangeCodeAsync(fixture.Provider, code, request.CodeVerifier, Cancellation);

        var replay = await Assert.ThrowsAsync<OAuthProtocolException>(() => Client.ExchangeCodeAsync(fixture.Provider, code, request.CodeVerifier, Cancellation));
        var refresh = await Assert.ThrowsAsync<OAuthProtocolException>(() => Client.RefreshAsync(fixture.Provider, first.RefreshToken!, Cancellation));

        Assert.True(replay.IsInvalidGrant);
        Assert.True(refresh.IsInvalidGrant);
        Assert.False(await Server.IsActiveAsync(first.AccessToken, Cancellation));
    }

    [Fact]
    public async Task A_refresh_returns_new_tokens_that_are_active()
    {
        var first = await ConnectAsync();
        _clock.Advance(TimeSpan.FromMinutes(5));

        var refreshed = await Client.RefreshAsync(fixture.Provider, first.RefreshToken!, Cancellation);

        Assert.NotEqual(first.AccessToken, refreshed.AccessToken);
        Assert.NotNull(refreshed.RefreshToken);
        Assert.NotEqual(first.RefreshToken, refreshed.RefreshToken);
        Assert.Equal(_clock.GetUtcNow().AddMinutes(10), refreshed.ExpiresAt);
        Assert.True(await Server.IsActiveAsync(refreshed.AccessToken, Cancellation));
    }

    [Fact]
    public async Task A_revoked_access_token_is_no_longer_active()
    {
        var tokens = await ConnectAsync();

        var confirmed = await Client.RevokeAsync(fixture.Provider, tokens.AccessToken, "access_token", Cancellation);

        Assert.True(confirmed);
        Assert.False(await Server.IsActiveAsync(tokens.AccessToken, Cancellation));
    }

    [Fact]
    public async Task A_revoked_refresh_token_can_no_longer_refresh()
    {
        var tokens = await ConnectAsync();

        Assert.True(await Client.RevokeAsync(fixture.Provider, tokens.RefreshToken!, "refresh_token", Cancellation));

        var refused = await Assert.ThrowsAsync<OAuthProtocolException>(() => Client.RefreshAsync(fixture.Provider, tokens.RefreshToken!, Cancellation));
        Assert.True(refused.IsInvalidGrant);
    }

    [Fact]
    public async Task A_user_who_refuses_consent_comes_back_with_access_denied_and_no_code()
    {
        var state = OAuthAuthorization.CreateState();
        var request = OAuthAuthorization.Begin(fixture.Provider, OidcProviderFixture.Scope, state);

        var query = ParseQuery(await Server.AuthorizeAsBrowserAsync(request.Url, consent: false, Cancellation));

        Assert.Equal("access_denied", query.GetValueOrDefault("error"));
        Assert.False(query.ContainsKey("code"));
        Assert.True(OAuthAuthorization.StateMatches(state, query.GetValueOrDefault("state")));
    }

    [Fact]
    public async Task A_wrong_client_secret_is_refused_as_invalid_client()
    {
        var request = OAuthAuthorization.Begin(fixture.Provider, OidcProviderFixture.Scope, OAuthAuthorization.CreateState());
        var code = ParseQuery(await Server.AuthorizeAsBrowserAsync(request.Url, cancellationToken: Cancellation))["code"];
        var wrongSecret = new OAuthProviderOptions
        {
            AuthorizationEndpoint = fixture.Provider.AuthorizationEndpoint,
            TokenEndpoint = fixture.Provider.TokenEndpoint,
            ClientId = fixture.Provider.ClientId,
            ClientSecret = "not-the-secret",
            RedirectUri = fixture.Provider.RedirectUri,
        };

        var refused = await Assert.ThrowsAsync<OAuthProtocolException>(() => Client.ExchangeCodeAsync(wrongSecret, code, request.CodeVerifier, Cancellation));

        Assert.Equal("invalid_client", refused.Error);
        Assert.DoesNotContain("not-the-secret", refused.Message, StringComparison.Ordinal);
    }

    private async Task<OAuthTokens> ConnectAsync()
    {
        var request = OAuthAuthorization.Begin(fixture.Provider, OidcProviderFixture.Scope, OAuthAuthorization.CreateState());
        var code = ParseQuery(await Server.AuthorizeAsBrowserAsync(request.Url, cancellationToken: Cancellation))["code"];
        return await Client.ExchangeCodeAsync(fixture.Provider, code, request.CodeVerifier, Cancellation);
    }

    private static Dictionary<string, string> ParseQuery(Uri uri) =>
        uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(p => Uri.UnescapeDataString(p[0]), p => p.Length > 1 ? Uri.UnescapeDataString(p[1].Replace('+', ' ')) : "");
}
