using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Platform.Silo;
using Platform.Silo.Hosting;

namespace Platform.Testing;

/// <summary>
/// An in-process silo for tests (the role Orleans' TestCluster plays): a real generic host running the silo over the
/// storage a test chooses, with a <see cref="ManualTimeProvider"/> so time moves only when the test says.
/// </summary>
public sealed class SiloTestHost : IAsyncDisposable
{
    private readonly IHost _host;

    private SiloTestHost(IHost host, ManualTimeProvider time)
    {
        _host = host;
        Time = time;
    }

    /// <summary>The silo's clock.</summary>
    public ManualTimeProvider Time { get; }

    /// <summary>The host's services.</summary>
    public IServiceProvider Services => _host.Services;

    /// <summary>Creates grain references.</summary>
    public IGrainFactory Grains => _host.Services.GetRequiredService<IGrainFactory>();

    /// <summary>Builds and starts a silo hosting the grains of <paramref name="grainAssembly"/>.</summary>
    /// <param name="grainAssembly">The assembly whose grain classes the silo hosts.</param>
    /// <param name="configureStorage">Registers the storage provider (e.g. <c>services.AddSqliteGrainStorage(...)</c>); may register none.</param>
    /// <param name="settings">Configuration values, e.g. <c>["Silo:CallTimeout"] = "00:00:05"</c>.</param>
    /// <param name="time">A clock to share with an earlier host (restart tests); a new one by default.</param>
    public static async Task<SiloTestHost> StartAsync(
        Assembly grainAssembly,
        Action<IServiceCollection>? configureStorage = null,
        IDictionary<string, string?>? settings = null,
        ManualTimeProvider? time = null)
    {
        time ??= new ManualTimeProvider();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.UseSilo(silo => silo.AddGrains(grainAssembly));
        configureStorage?.Invoke(builder.Services);
        var host = builder.Build();
        await host.StartAsync();
        return new SiloTestHost(host, time);
    }

    /// <summary>Stops the silo gracefully (running turns finish, every activation deactivates).</summary>
    public Task StopAsync(CancellationToken cancellationToken = default) => _host.StopAsync(cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            await _host.StopAsync();
        }
        finally
        {
            _host.Dispose();
        }
    }
}
