using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Orleans.Configuration;
using Orleans.TestingHost;
using Platform.Silo.Hosting;

namespace Platform.Testing;

/// <summary>
/// Orleans' in-process test cluster set up as the platform runs: by default two silos, each with the platform's
/// runtime configuration, the storage a test registers, and a <see cref="FakeTimeProvider"/> shared by both. Tests
/// call grains through <see cref="Grains"/>, the cluster client, so every argument, result and exception is really
/// serialized, as it is between the gateway and a silo on another machine.
/// </summary>
public sealed class PlatformTestCluster : IAsyncDisposable
{
    private PlatformTestCluster(InProcessTestCluster cluster, FakeTimeProvider time)
    {
        Cluster = cluster;
        Time = time;
    }

    /// <summary>The Orleans test cluster, for stopping, killing and restarting silos.</summary>
    public InProcessTestCluster Cluster { get; }

    /// <summary>The clock of the platform's grains, their timers and reminders, on every silo.</summary>
    public FakeTimeProvider Time { get; }

    /// <summary>The cluster client: grain references made here cross the wire.</summary>
    public IGrainFactory Grains => Cluster.Client;

    /// <summary>The services of the first silo still running.</summary>
    public IServiceProvider Services => Cluster.Silos[0].ServiceProvider;

    /// <summary>Starts a cluster of <paramref name="silos"/> silos.</summary>
    /// <param name="configureServices">Registers storage and grain dependencies; runs once per silo, so an instance the test inspects is created outside it and registered as such.</param>
    /// <param name="settings">Configuration values, e.g. <c>["Silo:CallTimeout"] = "00:00:05"</c>.</param>
    /// <param name="time">A clock to share with an earlier cluster (restart tests); a new one by default.</param>
    /// <param name="silos">How many silos; two unless a test needs one.</param>
    public static async Task<PlatformTestCluster> StartAsync(
        Action<IServiceCollection>? configureServices = null,
        IDictionary<string, string?>? settings = null,
        FakeTimeProvider? time = null,
        short silos = 2)
    {
        time ??= TestClock.Create();
        var configuration = settings ?? new Dictionary<string, string?>();
        var builder = new InProcessTestClusterBuilder(silos);
        builder.ConfigureSiloHost((_, host) =>
        {
            host.Configuration.AddInMemoryCollection(configuration);
            host.Logging.SetMinimumLevel(LogLevel.Warning);
            host.Services.AddTestClock(time);
            configureServices?.Invoke(host.Services);
        });
        builder.ConfigureSilo((_, silo) => silo.AddPlatformRuntime(silo.Configuration));
        builder.ConfigureClientHost(host =>
        {
            host.Configuration.AddInMemoryCollection(configuration);
            host.Logging.SetMinimumLevel(LogLevel.Warning);
        });
        builder.ConfigureClient(client => client
            .AddOutgoingGrainCallFilter<ActAsTargetTenantFilter>()
            .Services.AddOptions<ClientMessagingOptions>()
            .Configure<IConfiguration>(static (messaging, config) =>
            {
                if (config.GetValue<TimeSpan?>("Silo:CallTimeout") is { } timeout)
                {
                    messaging.ResponseTimeout = timeout;
                }
            }));
        var cluster = builder.Build();
        try
        {
            await cluster.DeployAsync();
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }

        return new PlatformTestCluster(cluster, time);
    }

    /// <summary>Stops every silo gracefully: running turns finish and every activation deactivates.</summary>
    public Task StopAsync() => Cluster.StopAllSilosAsync();

    /// <inheritdoc />
    public ValueTask DisposeAsync() => Cluster.DisposeAsync();
}
