using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Platform.Grains.Egress;

/// <summary>Registers HTTP clients that may only reach public addresses (see <see cref="GuardedHttpHandler"/>).</summary>
public static class EgressServiceCollectionExtensions
{
    /// <summary>
    /// Adds the named client <paramref name="name"/> over a <see cref="GuardedHttpHandler"/>. <see cref="IHostResolver"/>
    /// defaults to <see cref="DnsHostResolver"/> (tests may register their own first). <see cref="EgressOptions"/> are
    /// validated at start; binding them (section <see cref="EgressOptions.SectionName"/>) is the caller's, since only it
    /// knows the configuration; unbound, no private destination is allowed.
    /// </summary>
    public static IHttpClientBuilder AddGuardedHttpClient(this IServiceCollection services, string name)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(name);
        services.AddOptions<EgressOptions>().ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<IHostResolver, DnsHostResolver>();
        return services.AddHttpClient(name)
            .ConfigurePrimaryHttpMessageHandler(static sp => new GuardedHttpHandler(
                sp.GetRequiredService<IHostResolver>(),
                sp.GetRequiredService<IOptions<EgressOptions>>().Value,
                sp.GetRequiredService<ILogger<GuardedHttpHandler>>()));
    }
}
