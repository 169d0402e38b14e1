using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Platform.Grains.Connectors.OAuth;

/// <summary>Registers <see cref="OAuthClient"/>.</summary>
public static class OAuthServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="OAuthClient"/> as a typed HTTP client whose handler neither follows redirects nor keeps cookies:
    /// token requests carry the client secret and codes, and must go only where the options say.
    /// </summary>
    public static IServiceCollection AddOAuthClient(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddLogging();
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient<OAuthClient>()
            .ConfigureHttpClient(static client => client.Timeout = TimeSpan.FromSeconds(30))
            .ConfigurePrimaryHttpMessageHandler(static () => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseCookies = false,
                AutomaticDecompression = DecompressionMethods.None,
            });
        return services;
    }
}
