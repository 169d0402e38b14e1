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
    public static IHttpClientBuilder AddGuardedHttpClient(this IServiceCollection services, string name) =>
        services.AddGuardedHttpClient(name, static sp => sp.GetRequiredService<IOptions<EgressOptions>>().Value);

    /// <summary>
    /// Adds a guarded client with a private-network allowlist of its own instead of the shared one: a client that only
    /// ever calls one operator-configured API (Slack, GitHub) may reach that API's address, and the tenant-directed clients
    /// (webhooks, HTTP connectors) do not inherit it.
    /// </summary>
    public static IHttpClientBuilder AddGuardedHttpClient(this IServiceCollection services, string name, Func<IServiceProvider, EgressOptions> options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(options);
        services.AddOptions<EgressOptions>().ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<IHostResolver, DnsHostResolver>();
        return services.AddHttpClient(name)
            .ConfigurePrimaryHttpMessageHandler(sp => new GuardedHttpHandler(
                sp.GetRequiredService<IHostResolver>(),
                options(sp),
                sp.GetRequiredService<ILogger<GuardedHttpHandler>>()));
    }
}
