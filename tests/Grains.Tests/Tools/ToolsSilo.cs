using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Platform.Grains.Security;
using Platform.Silo.Storage;
using Platform.Testing;

namespace Platform.Grains.Tests.Tools;

/// <summary>A silo with the grains, SQLite storage (or the store a test passes) and the key file in one temporary directory, and models and tools registered.</summary>
public static class ToolsSilo
{
    public static Task<PlatformTestCluster> StartAsync(string dataDirectory, IDictionary<string, string?> settings, Action<IServiceCollection>? storage = null)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>(settings) { ["Platform:DataDirectory"] = dataDirectory })
            .Build();
        return GrainsCluster.StartAsync(services =>
        {
            if (storage is null)
            {
                services.AddSqliteGrainStorage(o => o.DataDirectory = dataDirectory);
            }
            else
            {
                storage(services);
            }

            services.AddWorkspaceEncryption(configuration);
            services.AddPlatformModelsAndTools(configuration);
        });
    }
}
