using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Platform.Grains.Security;
using Platform.Silo.Storage;
using Platform.Testing;

namespace Platform.Grains.Tests;

/// <summary>
/// A <see cref="PlatformTestCluster"/> for the grains of this project: the grain services every silo needs (the tenant
/// filter's policy among them, without which a silo does not start) and the store a test registers (which the runtime
/// then uses instead of the one <c>Silo:Storage</c> would choose).
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
        return PlatformTestCluster.StartAsync(
            s =>
            {
                services?.Invoke(s);
                s.AddPlatformGrains();
            },
            settings,
            time,
            silos);
    }

    /// <summary>
    /// Starts two silos that keep grain state in SQLite under <paramref name="dataDirectory"/> and encrypt it with a
    /// local key file there, as the embedded default does.
    /// </summary>
    public static Task<PlatformTestCluster> StartOnSqliteAsync(string dataDirectory)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Platform:DataDirectory"] = dataDirectory })
            .Build();
        return StartAsync(services =>
        {
            services.AddSqliteGrainStorage(o => o.DataDirectory = dataDirectory);
            services.AddWorkspaceEncryption(configuration);
        });
    }
}
