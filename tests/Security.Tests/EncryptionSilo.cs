using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

using Platform.Grains.Security;
using Platform.Silo.Storage;
using Platform.Testing;

namespace Platform.Security.Tests;

/// <summary>Starts a silo hosting the security grains over SQLite and the key file, both in one data directory.</summary>
public static class EncryptionSilo
{
    /// <param name="dataDirectory">The data directory (SQLite file, key file).</param>
    /// <param name="more">Services registered before the defaults, so they win.</param>
    /// <param name="settings">More configuration, e.g. <c>Platform:Keys:Provider</c>.</param>
    public static Task<SiloTestHost> StartAsync(string dataDirectory, Action<IServiceCollection>? more = null, IDictionary<string, string?>? settings = null)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Platform:DataDirectory"] = dataDirectory })
            .AddInMemoryCollection(settings ?? new Dictionary<string, string?>())
            .Build();
        return SiloTestHost.StartAsync(typeof(WorkspaceKeyGrain).Assembly, services =>
        {
            // Registered first, so the test's own services (a data key generator, a log sink) win over the defaults.
            more?.Invoke(services);
            services.AddSqliteGrainStorage(o => o.DataDirectory = dataDirectory);
            services.AddWorkspaceEncryption(configuration);
        });
    }

    public static string NewWorkspace(string label) => $"ws-{label}-{Guid.NewGuid():N}";
}
