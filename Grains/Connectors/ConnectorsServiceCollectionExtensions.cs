using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Platform.Grains.Connectors.GitHub;
using Platform.Grains.Connectors.OAuth;
using Platform.Grains.Connectors.Slack;
using Platform.Grains.Egress;

namespace Platform.Grains.Connectors;

/// <summary>Registers connectors: their options, the OAuth client, the API clients and the egress guard in front of them.</summary>
public static class ConnectorsServiceCollectionExtensions
{
    /// <summary>
    /// Adds connector support (section <c>Platform:Connectors</c>, validated at start). Every client that reaches a
    /// provider or a tenant-chosen URL goes through the guarded handler: no private, loopback or link-local destination
    /// after DNS unless <c>Platform:Egress:PrivateNetworkAllowlist</c> names it, and no redirects.
    /// </summary>
    public static IServiceCollection AddPlatformConnectors(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<ConnectorsOptions>().Bind(configuration.GetSection("Platform:Connectors")).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ConnectorsOptions>, ConnectorsOptionsValidator>());
        services.AddOAuthClient();
        services.TryAddSingleton<EgressGuard>();
        services.TryAddSingleton<HttpToolClient>();
        services.TryAddSingleton<ConnectorToolRunner>();
        // The provider clients reach only their own configured API, which may be a private address (an internal GitHub
        // Enterprise); that exception is theirs alone, so no tenant's HTTP connector or webhook can reach it.
        services.AddGuardedHttpClient(SlackApiClient.HttpClientName, static sp => OwnApi(sp.GetRequiredService<IOptions<ConnectorsOptions>>().Value.Slack))
            .ConfigureHttpClient(static c => c.Timeout = TimeSpan.FromSeconds(30));
        services.AddGuardedHttpClient(GitHubApiClient.HttpClientName, static sp => OwnApi(sp.GetRequiredService<IOptions<ConnectorsOptions>>().Value.GitHub))
            .ConfigureHttpClient(static c => c.Timeout = TimeSpan.FromSeconds(30));
        services.AddGuardedHttpClient(HttpToolClient.ClientName).ConfigureHttpClient(static c => c.Timeout = TimeSpan.FromSeconds(30));
        return services;
    }

    private static EgressOptions OwnApi(ConnectorProviderOptions provider) =>
        new() { PrivateNetworkAllowlist = provider.ApiBaseUrl is { } api ? [$"{api.Host}:{api.Port}"] : [] };
}
