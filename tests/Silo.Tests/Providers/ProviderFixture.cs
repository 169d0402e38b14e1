using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

using Orleans.Providers;

using Platform.Silo.Isolation;
using Platform.Silo.Tests.Grains;
using Platform.Testing;

namespace Platform.Silo.Tests.Providers;

/// <summary>
/// One silo configured by <c>Silo:Storage</c> exactly as a deployment is, and the Orleans <see cref="IGrainStorage"/>
/// it gives its grains: the one interface on which every provider is compared.
/// </summary>
public abstract class ProviderFixture : IAsyncLifetime
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("silo-provider-");
    private PlatformTestCluster? _cluster;

    /// <summary>The provider's name in <c>Silo:Storage</c>.</summary>
    public abstract string Provider { get; }

    /// <summary>Orleans' default grain storage of the silo.</summary>
    public IGrainStorage Storage => _cluster!.Services.GetRequiredKeyedService<IGrainStorage>(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME);

    /// <summary>The silo's services.</summary>
    public IServiceProvider Services => _cluster!.Services;

    /// <summary>The SQLite directory (grain state for sqlite; the journal for azure).</summary>
    public string DataDirectory => _directory.FullName;

    public async ValueTask InitializeAsync()
    {
        var settings = new Dictionary<string, string?>(await SettingsAsync(), StringComparer.Ordinal)
        {
            ["Silo:Storage"] = Provider,
            ["Silo:Sqlite:DataDirectory"] = _directory.FullName,
        };
        _cluster = await PlatformTestCluster.StartAsync(static services => services.AddSingleton<ITenantIsolation, NoTenants>(), settings, silos: 1);
    }

    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        await StopAsync();
        SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>The provider's own settings (where its store is).</summary>
    protected abstract Task<IDictionary<string, string?>> SettingsAsync();

    protected virtual ValueTask StopAsync() => ValueTask.CompletedTask;
}
