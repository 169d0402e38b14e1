using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Platform.Grains.Interfaces.Models;
using Platform.Grains.Interfaces.Workspaces;
using Platform.Grains.Security;
using Platform.Grains.Workspaces;
using Platform.Silo.Storage;
using Platform.Testing;

namespace Platform.Grains.Tests.Models;

/// <summary>The operator's model catalogue: configuration and API edits combined, durable, and what workspaces resolve from it.</summary>
public sealed class ModelCatalogGrainTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("catalog-tests-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly Dictionary<string, string?> Configured = new()
    {
        ["Platform:Models:OpenAI:AllowedBaseUrls:0"] = "http://127.0.0.1/",
        ["Platform:Models:Catalog:0:Id"] = "cheap",
        ["Platform:Models:Catalog:0:Provider"] = "openai",
        ["Platform:Models:Catalog:0:Model"] = "gpt-4o-mini",
        ["Platform:Models:Catalog:0:BaseUrl"] = "http://127.0.0.1:9/v1",
        ["Platform:Models:Catalog:0:InputPricePer1kTokens"] = "150",
        ["Platform:Models:Catalog:0:OutputPricePer1kTokens"] = "600",
        ["Platform:Models:Catalog:0:MaxOutputTokens"] = "1000",
        ["Platform:Models:Catalog:1:Id"] = "spare",
        ["Platform:Models:Catalog:1:Provider"] = "local",
        ["Platform:Models:Catalog:1:Model"] = "local-rules-1",
        ["Platform:Models:Catalog:1:InputPricePer1kTokens"] = "1",
        ["Platform:Models:Catalog:1:OutputPricePer1kTokens"] = "1",
        ["Platform:Models:Catalog:1:MaxOutputTokens"] = "10",
    };

    [Fact]
    public async Task Configuration_seeds_the_catalogue_and_the_operators_changes_survive_a_restart_and_win_over_configuration()
    {
        await using (var silo = await StartAsync(Configured))
        {
            var catalog = silo.Grains.GetGrain<IModelCatalogGrain>(IModelCatalogGrain.Key);
            Assert.Equal(["cheap", "local-rules-1", "spare"], (await catalog.GetAsync()).Entries.Select(e => e.Id));

            await catalog.PutAsync(new CatalogEntry("cheap", "openai", "gpt-4o-mini", "http://127.0.0.1:9/v1", 300, 1200, 500), "operator");
            await catalog.DeleteAsync("spare", "operator");
        }

        await using var restarted = await StartAsync(Configured);
        var entries = (await restarted.Grains.GetGrain<IModelCatalogGrain>(IModelCatalogGrain.Key).GetAsync()).Entries;

        Assert.Equal(["cheap", "local-rules-1"], entries.Select(e => e.Id));
        var cheap = entries.Single(e => e.Id == "cheap");
        Assert.Equal((300, 1200, 500), (cheap.InputPricePer1kTokens, cheap.OutputPricePer1kTokens, cheap.MaxOutputTokens));
        var audit = await restarted.Grains.GetGrain<Platform.Grains.Interfaces.Audit.IAuditLogGrain>(IModelCatalogGrain.Key).ReadAsync(0, 100);
        Assert.Equal(["catalog.entry_changed", "catalog.entry_removed"], audit.Entries.Select(e => e.Kind));
    }

    [Fact]
    public async Task A_workspace_stored_with_its_own_model_settings_before_the_catalogue_loads_and_runs_on_the_default_entry()
    {
        var workspaceId = WorkspaceIds.NewWorkspaceId();
        await using (var silo = await StartAsync(Configured))
        {
            await silo.Grains.GetGrain<IWorkspaceGrain>(workspaceId).CreateAsync("Old", "olive", "Olive");
        }

        // The state as the platform wrote it before the catalogue: model settings with the workspace's own (zero) prices.
        await using (var silo = await StartAsync(Configured))
        {
            var storage = silo.Services.GetRequiredService<IGrainStateStore>();
            var id = GrainId.Create("workspace", workspaceId);
            var stored = await storage.ReadAsync(id, "workspace", Ct);
            var state = System.Text.Json.Nodes.JsonNode.Parse(stored!.Payload)!.AsObject();
            state.Remove("modelChoice");
            state["model"] = System.Text.Json.Nodes.JsonNode.Parse("""{"provider":"openai","model":"gpt-4o","baseUrl":"http://127.0.0.1:9/v1","inputPricePer1kTokens":0,"outputPricePer1kTokens":0,"maxOutputTokens":100000}""");
            await storage.WriteAsync(id, "workspace", Encoding.UTF8.GetBytes(state.ToJsonString()), stored.Etag, Ct);
        }

        await using var upgraded = await StartAsync(Configured);
        var workspace = upgraded.Grains.GetGrain<IWorkspaceGrain>(workspaceId);

        var expected = CatalogEntry.Default.Resolve(null);
        Assert.Equal(expected, (await workspace.GetAsync()).Model);
        Assert.Equal(expected, (await workspace.GetProxySettingsAsync()).Model);
        Assert.Equal(ModelSettings.Default with { CatalogId = CatalogEntry.DefaultId }, expected);
    }

    [Fact]
    public async Task An_entry_a_workspace_uses_cannot_be_removed_or_closed_to_it_until_the_workspace_moves()
    {
        await using var silo = await StartAsync(Configured);
        var catalog = silo.Grains.GetGrain<IModelCatalogGrain>(IModelCatalogGrain.Key);
        var workspaceId = WorkspaceIds.NewWorkspaceId();
        var workspace = silo.Grains.GetGrain<IWorkspaceGrain>(workspaceId);
        await workspace.CreateAsync("Acme", "olive", "Olive");
        await workspace.UpdateAsync(new WorkspacePatch(Model: new WorkspaceModelPatch("cheap", 200)), "user:olive");

        var removal = await Assert.ThrowsAsync<WorkspaceConflictException>(() => catalog.DeleteAsync("cheap", "operator"));
        var closing = await Assert.ThrowsAsync<WorkspaceConflictException>(() => catalog.PutAsync(new CatalogEntry("cheap", "openai", "gpt-4o-mini", null, 150, 600, 1000, ["ws-someone-else"]), "operator"));
        await Assert.ThrowsAsync<WorkspaceConflictException>(() => catalog.DeleteAsync(CatalogEntry.DefaultId, "operator"));

        Assert.Contains("1 workspace(s)", removal.Message, StringComparison.Ordinal);
        Assert.Contains("1 workspace(s)", closing.Message, StringComparison.Ordinal);
        Assert.Equal(("cheap", 200, 150L), ((await workspace.GetAsync()).Model.CatalogId, (await workspace.GetAsync()).Model.MaxOutputTokens, (await workspace.GetAsync()).Model.InputPricePer1kTokens));

        await workspace.UpdateAsync(new WorkspacePatch(Model: new WorkspaceModelPatch(CatalogEntry.DefaultId)), "user:olive");
        await catalog.DeleteAsync("cheap", "operator");

        Assert.DoesNotContain((await catalog.GetAsync()).Entries, e => e.Id == "cheap");
    }

    [Fact]
    public async Task A_price_change_reaches_a_workspace_whose_settings_were_already_cached()
    {
        await using var silo = await StartAsync(Configured);
        var workspaceId = WorkspaceIds.NewWorkspaceId();
        var workspace = silo.Grains.GetGrain<IWorkspaceGrain>(workspaceId);
        await workspace.CreateAsync("Acme", "olive", "Olive");
        await workspace.UpdateAsync(new WorkspacePatch(Model: new WorkspaceModelPatch("cheap")), "user:olive");
        Assert.Equal(150, (await workspace.GetProxySettingsAsync()).Model.InputPricePer1kTokens);

        await silo.Grains.GetGrain<IModelCatalogGrain>(IModelCatalogGrain.Key).PutAsync(new CatalogEntry("cheap", "openai", "gpt-4o-mini", "http://127.0.0.1:9/v1", 450, 1800, 1000), "operator");

        var settings = (await workspace.GetProxySettingsAsync()).Model;
        Assert.Equal((450L, 1800L), (settings.InputPricePer1kTokens, settings.OutputPricePer1kTokens));
    }

    [Theory]
    [InlineData("Provider", "ftp", "provider must be 'local' or 'openai'")]
    [InlineData("BaseUrl", "http://169.254.169.254/v1", "AllowedBaseUrls")]
    [InlineData("InputPricePer1kTokens", "-1", "inputPricePer1kTokens")]
    [InlineData("MaxOutputTokens", "0", "maxOutputTokens")]
    public async Task A_bad_configured_entry_stops_the_host_with_a_message_naming_it(string field, string value, string expected)
    {
        var settings = new Dictionary<string, string?>(Configured) { [$"Platform:Models:Catalog:0:{field}"] = value };

        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(settings));

        Assert.Contains("Platform:Models:Catalog:0 (id 'cheap')", refused.Message, StringComparison.Ordinal);
        Assert.Contains(expected, refused.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private Task<PlatformTestCluster> StartAsync(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>(settings) { ["Platform:DataDirectory"] = _directory })
            .Build();
        return GrainsCluster.StartAsync(services =>
        {
            services.AddSqliteGrainStorage(o => o.DataDirectory = _directory);
            services.AddWorkspaceEncryption(configuration);
            services.AddPlatformModelsAndTools(configuration);
        });
    }
}
