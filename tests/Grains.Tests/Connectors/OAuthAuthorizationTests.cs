using Platform.Grains.Connectors.OAuth;

namespace Platform.Grains.Tests.Connectors;

public sealed class OAuthAuthorizationTests
{
    private static readonly OAuthProviderOptions Provider = new()
    {
        AuthorizationEndpoint = new Uri("https://auth.example.test/oauth/authorize?team=T1"),
        TokenEndpoint = new Uri("https://auth.example.test/oauth/token"),
        ClientId = "client id",
        ClientSecret = "secret",
        RedirectUri = new Uri("https://platform.example.test/connectors/callback"),
    };

    [Fact]
    public void The_S256_challenge_matches_the_RFC_7636_appendix_B_example()
    {
        Assert.Equal("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", Pkce.ChallengeS256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"));
    }

    [Fact]
    public void A_code_verifier_is_43_unreserved_characters_and_new_each_time()
    {
        var verifiers = Enumerable.Range(0, 20).Select(_ => Pkce.CreateVerifier()).ToList();

        Assert.All(verifiers, v => Assert.Matches("^[A-Za-z0-9._~-]{43}$", v));
        Assert.Equal(verifiers.Count, verifiers.Distinct().Count());
    }

    [Fact]
    public void The_authorization_url_carries_every_parameter_encoded_and_keeps_the_endpoints_own_query()
    {
        var request = OAuthAuthorization.Begin(Provider, "chat:write channels:history", "s t/ate");

        Assert.Equal("https://auth.example.test/oauth/authorize", request.Url.GetLeftPart(UriPartial.Path));
        Assert.Equal(
            "?team=T1&response_type=code&client_id=client%20id"
            + "&redirect_uri=https%3A%2F%2Fplatform.example.test%2Fconnectors%2Fcallback"
            + "&scope=chat%3Awrite%20channels%3Ahistory&state=s%20t%2Fate"
            + $"&code_challenge={Pkce.ChallengeS256(request.CodeVerifier)}&code_challenge_method=S256",
            request.Url.Query);
        Assert.Equal("s t/ate", request.State);
    }

    [Fact]
    public void The_authorization_url_never_contains_the_verifier_or_the_client_secret()
    {
        var request = OAuthAuthorization.Begin(Provider, "repo", OAuthAuthorization.CreateState());

        Assert.DoesNotContain(request.CodeVerifier, request.Url.AbsoluteUri, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", request.Url.AbsoluteUri, StringComparison.Ordinal);
        Assert.DoesNotContain(request.CodeVerifier, request.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void States_are_unguessable_and_compared_exactly()
    {
        var state = OAuthAuthorization.CreateState();

        Assert.Matches("^[A-Za-z0-9_-]{43}$", state);
        Assert.NotEqual(state, OAuthAuthorization.CreateState());
        Assert.True(OAuthAuthorization.StateMatches(state, state));
        Assert.False(OAuthAuthorization.StateMatches(state, state[..^1]));
        Assert.False(OAuthAuthorization.StateMatches(state, null));
    }

    [Theory]
    [InlineData("http://auth.example.test/authorize")]
    [InlineData("/authorize")]
    [InlineData("https://auth.example.test/authorize#fragment")]
    public void An_endpoint_that_is_not_https_or_loopback_http_is_refused(string endpoint)
    {
        var provider = new OAuthProviderOptions
        {
            AuthorizationEndpoint = new Uri(endpoint, UriKind.RelativeOrAbsolute),
            TokenEndpoint = Provider.TokenEndpoint,
            ClientId = "id",
            ClientSecret = "the-secret-value",
            RedirectUri = Provider.RedirectUri,
        };

        var refused = Assert.Throws<ArgumentException>(() => OAuthAuthorization.Begin(provider, "repo", "state"));

        Assert.Contains(nameof(OAuthProviderOptions.AuthorizationEndpoint), refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("the-secret-value", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Loopback_http_endpoints_are_accepted_for_local_providers()
    {
        var provider = new OAuthProviderOptions
        {
            AuthorizationEndpoint = new Uri("http://127.0.0.1:8080/auth"),
            TokenEndpoint = new Uri("http://localhost:8080/token"),
            ClientId = "id",
            ClientSecret = "secret",
            RedirectUri = new Uri("http://127.0.0.1:5080/callback"),
        };

        var request = OAuthAuthorization.Begin(provider, "repo", "state");

        Assert.Equal("127.0.0.1", request.Url.Host);
    }
}
