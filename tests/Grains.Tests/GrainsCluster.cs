using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Platform.Silo.Storage;
using Platform.Testing;

namespace Platform.Grains.Tests;

/// <summary>
/// A <see cref="PlatformTestCluster"/> for the grains of this project: the grain services every silo needs (the tenant
/// filter's policy among them, without which a silo does not start) and the store a test registers, with
/// <c>Silo:Storage</c> set to match it so the runtime does not also open its default SQLite file in the working directory.
/// </summary>
public static class GrainsCluster
{
    /// <summary>Starts <paramref name="silos"/> silos running <paramref name="services"/> (once per silo) and the platform's grain services.</summary>
    public static Task<PlatformTestCluster> StartAsync(
        Action<IServiceCollection>? services = null,
        IDictionary<string, string?>? settings = null,
        FakeTimeProvider? time = null,
        short silos = 2)
    {
        var configuration = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>());
        if (!configuration.ContainsKey("Silo:Storage") && services is not null && RegistersPostgres(services))
        {
            configuration["Silo:Storage"] = "postgres";
        }

        return PlatformTestCluster.StartAsync(
            s =>
            {
                services?.Invoke(s);
                s.AddPlatformGrains();
            },
            configuration,
            time,
            silos);
    }

    // Registering into a throw-away collection only records descriptors; nothing is created.
    private static bool RegistersPostgres(Action<IServiceCollection> services)
    {
        var probe = new ServiceCollection();
        services(probe);
        return probe.Any(static d => d.ServiceType == typeof(IConfigureOptions<PostgresStorageOptions>));
    }
}
