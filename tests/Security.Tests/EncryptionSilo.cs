using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

using Platform.Grains;
using Platform.Grains.Security;
using Platform.Silo.Storage;
using Platform.Testing;

namespace Platform.Security.Tests;

/// <summary>
/// Starts a two-silo cluster hosting the security grains over SQLite and the key file, both in one data directory
/// that the two silos share (as two silos on one machine would): each silo has its own key provider over that file.
/// </summary>
public static class EncryptionSilo
{
    /// <param name="dataDirectory">The data directory (SQLite file, key file).</param>
    /// <param name="more">Services registered before the defaults, so they win; runs once per silo.</param>
    /// <param name="settings">More configuration, e.g. <c>Platform:Keys:Provider</c>.</param>
    /// <param name="silos">Two unless a test is about one host's own start.</param>
    public static Task<PlatformTestCluster> StartAsync(string dataDirectory, Action<IServiceCollection>? more = null, IDictionary<string, string?>? settings = null, short silos = 2)
    {
        var values = new Dictionary<string, string?> { ["Platform:DataDirectory"] = dataDirectory };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        return PlatformTestCluster.StartAsync(
            services =>
            {
                // Registered first, so the test's own services (a data key generator, a log sink) win over the defaults.
                more?.Invoke(services);
                services.AddPlatformGrains();
                services.AddSqliteGrainStorage(o => o.DataDirectory = dataDirectory);
                services.AddWorkspaceEncryption(configuration);
            },
            values,
            silos: silos);
    }

    public static string NewWorkspace(string label) => $"ws-{label}-{Guid.NewGuid():N}";
}
