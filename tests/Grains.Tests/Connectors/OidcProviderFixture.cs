using Platform.Grains.Connectors.OAuth;
using Platform.Testing;

namespace Platform.Grains.Tests.Connectors;

/// <summary>One real OAuth server (oidc-provider) for a test class; each test authorizes afresh, so grants do not mix.</summary>
public sealed class OidcProviderFixture : IAsyncLifetime
{
    public const string Scope = "openid offline_access chat:write repo";

    public OidcProviderServer Server { get; private set; } = null!;

    /// <summary>The platform's options for this server, as an operator would configure them.</summary>
    public OAuthProviderOptions Provider { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Server = await OidcProviderServer.StartAsync(new OidcProviderSettings { AccessTokenLifetime = TimeSpan.FromMinutes(10) });
        Provider = new OAuthProviderOptions
        {
            AuthorizationEndpoint = Server.AuthorizationEndpoint,
            TokenEndpoint = Server.TokenEndpoint,
            RevocationEndpoint = Server.RevocationEndpoint,
            ClientId = Server.ClientId,
            ClientSecret = Server.ClientSecret,
            RedirectUri = Server.RedirectUris[0],
        };
    }

    public async ValueTask DisposeAsync()
    {
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }
    }
}
