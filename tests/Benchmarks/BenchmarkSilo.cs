using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Platform.Silo.Hosting;
using Platform.Silo.Isolation;
using Platform.Testing;

namespace Platform.Benchmarks;

/// <summary>
/// One co-hosted Orleans silo configured as the platform's (its runtime options, the tenant filter, the store named
/// by <c>Silo:Storage</c>), on free ports; its <see cref="IGrainFactory"/> is the caller from outside any grain, as
/// the co-hosted gateway is.
/// </summary>
internal static class BenchmarkSilo
{
    /// <param name="storage">Registers the store, or null for the one configuration names.</param>
    /// <param name="settings">Settings over the defaults (a silo port of its own is among the defaults).</param>
    /// <param name="primary">The silo endpoint of a silo started before, to join as the second node of its cluster
    /// (Orleans' localhost clustering keeps membership in that first silo), or null for a silo of its own.</param>
    public static IHost Build(Action<IServiceCollection>? storage = null, IDictionary<string, string?>? settings = null, IPEndPoint? primary = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var values = FreePorts.ForSilo();
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(values);
        builder.Services.AddSingleton<ITenantIsolation, NoTenants>();
        storage?.Invoke(builder.Services);
        builder.UseOrleans(silo =>
        {
            if (primary is null)
            {
                silo.UseSingleNodeClustering(builder.Configuration);
            }
            else
            {
                var options = builder.Configuration.GetSection(SiloOptions.SectionName).Get<SiloOptions>() ?? new SiloOptions();
                silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort, primary, options.ServiceId, options.ClusterId);
            }

            silo.AddPlatformRuntime(builder.Configuration);
        });
        return builder.Build();
    }
}
