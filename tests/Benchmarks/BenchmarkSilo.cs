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
    public static IHost Build(Action<IServiceCollection>? storage = null, IDictionary<string, string?>? settings = null)
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
        builder.UseOrleans(silo => silo.UseSingleNodeClustering(builder.Configuration).AddPlatformRuntime(builder.Configuration));
        return builder.Build();
    }
}
