using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

using Orleans.Providers;

using Platform.Silo.Diagnostics;
using Platform.Silo.Journal;
using Platform.Silo.Storage;

namespace Platform.Silo.Tests.Storage;

/// <summary>A storage provider wired exactly as the silo wires it (through the DI extensions), initialized and ready.</summary>
public sealed class StorageHost : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private StorageHost(ServiceProvider services)
    {
        _services = services;
        Store = services.GetRequiredService<IGrainStateStore>();
        GrainStorage = services.GetRequiredKeyedService<IGrainStorage>(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME);
        Reminders = services.GetRequiredService<IReminderTable>();
        Journal = services.GetRequiredService<IJournalStorage>();
        Metrics = services.GetRequiredService<SiloMetrics>();
    }

    public SiloMetrics Metrics { get; }

    /// <summary>The project's byte store (what the old runtime called its grain storage).</summary>
    public IGrainStateStore Store { get; }

    /// <summary>Orleans' grain storage over <see cref="Store"/>, as grains use it.</summary>
    public IGrainStorage GrainStorage { get; }

    public IReminderTable Reminders { get; }

    public IJournalStorage Journal { get; }

    public static Task<StorageHost> StartSqliteAsync(string directory, Action<SqliteStorageOptions>? configure = null, bool initialize = true) =>
        StartAsync(services => services.AddSqliteGrainStorage(options =>
        {
            options.DataDirectory = directory;
            configure?.Invoke(options);
        }), initialize);

    public static Task<StorageHost> StartPostgresAsync(string connectionString, Action<PostgresStorageOptions>? configure = null) =>
        StartAsync(services => services.AddPostgresGrainStorage(options =>
        {
            options.ConnectionString = connectionString;
            configure?.Invoke(options);
        }), initialize: true);

    /// <summary>A PostgreSQL host whose schema is not created at start, for a server that is not there.</summary>
    public static Task<StorageHost> StartUninitializedPostgresAsync(string connectionString) =>
        StartAsync(services => services.AddPostgresGrainStorage(options => options.ConnectionString = connectionString), initialize: false);

    public async ValueTask DisposeAsync() => await _services.DisposeAsync();

    private static async Task<StorageHost> StartAsync(Action<IServiceCollection> addStorage, bool initialize)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddSingleton<IGrainContextAccessor, NoGrainContext>();
        addStorage(services);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        try
        {
            foreach (var initializer in initialize ? provider.GetServices<IStorageInitializer>() : [])
            {
                await initializer.InitializeAsync(TestContext.Current.CancellationToken);
            }

            return new StorageHost(provider);
        }
        catch
        {
            await provider.DisposeAsync();
            throw;
        }
    }
}
