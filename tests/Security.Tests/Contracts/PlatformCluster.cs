using Microsoft.Extensions.Configuration;

using Platform.Grains;
using Platform.Grains.Budget;
using Platform.Grains.Interfaces.Budget;
using Platform.Grains.Interfaces.Workspaces;
using Platform.Grains.Security;
using Platform.Grains.Workspaces;
using Platform.Silo.Storage;
using Platform.Testing;

namespace Platform.Security.Tests.Contracts;

/// <summary>
/// A two-silo cluster with every product grain over one SQLite file in a data directory both silos share (key file
/// too), the local model, and the test-only probe grain; the contract tests call it through the cluster client.
/// </summary>
internal static class PlatformCluster
{
    public const string Owner = "olive@acme.test";

    public static Task<PlatformTestCluster> StartAsync(string dataDirectory, Microsoft.Extensions.Time.Testing.FakeTimeProvider? time = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["Platform:DataDirectory"] = dataDirectory,
            ["Platform:Models:OpenAI:ApiKey"] = "sk-test-key",
            ["Platform:Models:OpenAI:AllowedBaseUrls:0"] = "http://127.0.0.1/",
        };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        return PlatformTestCluster.StartAsync(
            services =>
            {
                services.AddSqliteGrainStorage(o => o.DataDirectory = dataDirectory);
                services.AddPlatformGrains();
                services.AddBudget();
                services.AddWorkspaceEncryption(configuration);
                services.AddPlatformModelsAndTools(configuration);
            },
            values,
            time);
    }

    /// <summary>A new workspace owned by <see cref="Owner"/>, with a monthly cap so runs may start.</summary>
    public static async Task<string> WorkspaceAsync(IGrainFactory grains, long capMicros = 5_000_000)
    {
        var id = WorkspaceIds.NewWorkspaceId();
        await grains.GetGrain<IWorkspaceGrain>(id).CreateAsync("Acme", Owner, "Olive");
        if (capMicros > 0)
        {
            await grains.GetGrain<IBudgetGrain>(id).SetCapAsync(capMicros, "test");
        }

        return id;
    }
}
