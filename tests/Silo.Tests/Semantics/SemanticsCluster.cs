using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

using Platform.Silo.Isolation;
using Platform.Silo.Storage;
using Platform.Silo.Tests.Grains;
using Platform.Testing;

namespace Platform.Silo.Tests.Semantics;

/// <summary>A <see cref="PlatformTestCluster"/> over one SQLite directory with the test grains, which belong to no tenant.</summary>
internal static class SemanticsCluster
{
    public static Task<PlatformTestCluster> StartAsync(string directory, FakeTimeProvider? time = null, StoreFaults? faults = null, short silos = 2, IDictionary<string, string?>? settings = null)
    {
        // SQLite in the test's directory unless the settings name another store (the journal stays there either way).
        var all = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["Silo:Storage"] = "sqlite",
            ["Silo:Sqlite:DataDirectory"] = directory,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        return PlatformTestCluster.StartAsync(
            services =>
            {
                services.AddSingleton<ITenantIsolation, NoTenants>();
                if (faults is not null)
                {
                    // Registered last, so Orleans' grain storage takes it over the plain store; one switch for every silo.
                    services.AddSingleton<IGrainStateStore>(sp => new FaultyStateStore(sp.GetRequiredService<SqliteGrainStorage>(), faults));
                }
            },
            all,
            time,
            silos);
    }
}
