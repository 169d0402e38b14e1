using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Platform.Grains.Budget;
using Platform.Grains.Interfaces.Budget;
using Platform.Grains.Interfaces.Workspaces;
using Platform.Grains.Security;
using Platform.Grains.Workspaces;
using Platform.Silo.Journal;
using Platform.Testing;

namespace Platform.Grains.Tests.Workspaces;

/// <summary>The workspace registry over a real store: kept by the workspaces themselves, paged, bounded per page, durable.</summary>
public abstract class WorkspaceRegistryGrainTests : IDisposable
{
    private const string Stream = "registry/workspaces";
    private static readonly System.Text.Json.JsonSerializerOptions s_json = new(System.Text.Json.JsonSerializerDefaults.Web);
    private readonly string _keyDirectory = Directory.CreateTempSubdirectory("registry-keys-").FullName;

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            Directory.Delete(_keyDirectory, recursive: true);
        }
    }

    /// <summary>Registers the store under test; every call within one test reaches the same data.</summary>
    protected abstract Task<Action<IServiceCollection>> StoreAsync();

    [Fact]
    public async Task Workspaces_register_themselves_on_creation_rename_and_deletion_and_the_list_survives_a_restart()
    {
        var store = await StoreAsync();
        string kept, renamed, deleted;
        await using (var silo = await StartAsync(store))
        {
            kept = await CreateAsync(silo, "Kept");
            renamed = await CreateAsync(silo, "Old Name");
            deleted = await CreateAsync(silo, "Deleted");
            await silo.Grains.GetGrain<IWorkspaceGrain>(renamed).UpdateAsync(new WorkspacePatch(Name: "New Name"), "test");
            await silo.Grains.GetGrain<IBudgetGrain>(kept).SetCapAsync(3_000_000, "test");
            await silo.Grains.GetGrain<IWorkspaceGrain>(deleted).DeleteAsync(new ActingMember("olive@acme.test", "000000000000", [WorkspaceRole.Owner]));
        }

        await using var restarted = await StartAsync(store);
        var registry = Registry(restarted);
        var page = await registry.ListAsync(null, 100);

        Assert.Equal([kept, renamed], page.Workspaces.Select(static w => w.WorkspaceId));
        Assert.Equal(["Kept", "New Name"], page.Workspaces.Select(static w => w.Name));
        Assert.Equal(3_000_000, page.Workspaces[0].CapMicros);
        Assert.Null(page.Next);
        await Assert.ThrowsAsync<WorkspaceNotFoundException>(() => registry.GetAsync(deleted));
    }

    [Fact]
    public async Task A_page_lists_at_most_100_workspaces_and_next_leads_to_the_rest()
    {
        await using var silo = await StartAsync(await StoreAsync());
        var registry = Registry(silo);
        var ids = Enumerable.Range(0, 130).Select(static _ => WorkspaceIds.NewWorkspaceId()).ToList();
        foreach (var id in ids)
        {
            await registry.RecordAsync(id, $"Tenant {id}", silo.Time.GetUtcNow());
        }

        var first = await registry.ListAsync(null, WorkspaceRegistryGrain.MaxLimit);
        var rest = await registry.ListAsync(first.Next, WorkspaceRegistryGrain.MaxLimit);

        Assert.Equal(ids.Take(100), first.Workspaces.Select(static w => w.WorkspaceId));
        Assert.Equal(ids[99], first.Next);
        Assert.Equal(ids.Skip(100), rest.Workspaces.Select(static w => w.WorkspaceId));
        Assert.Null(rest.Next);
        await Assert.ThrowsAsync<ArgumentException>(() => registry.ListAsync(null, WorkspaceRegistryGrain.MaxLimit + 1));
        await Assert.ThrowsAsync<ArgumentException>(() => registry.ListAsync(WorkspaceIds.NewWorkspaceId(), 10));
    }

    [Fact]
    public async Task A_forgotten_workspace_is_never_listed_again_but_still_works_as_a_cursor()
    {
        await using var silo = await StartAsync(await StoreAsync());
        var registry = Registry(silo);
        var (a, b, c) = (WorkspaceIds.NewWorkspaceId(), WorkspaceIds.NewWorkspaceId(), WorkspaceIds.NewWorkspaceId());
        foreach (var id in new[] { a, b, c })
        {
            await registry.RecordAsync(id, "Tenant", silo.Time.GetUtcNow());
        }

        var first = await registry.ListAsync(null, 2);
        await registry.ForgetAsync(b);
        await registry.RecordAsync(b, "Revived?", silo.Time.GetUtcNow());
        var second = await registry.ListAsync(first.Next, 2);
        var all = await registry.ListAsync(null, 100);

        Assert.Equal(b, first.Next);
        Assert.Equal([c], second.Workspaces.Select(static w => w.WorkspaceId));
        Assert.Equal([a, c], all.Workspaces.Select(static w => w.WorkspaceId));
    }

    [Fact]
    public async Task A_workspace_missing_from_the_registry_is_listed_again_when_it_next_activates()
    {
        var store = await StoreAsync();
        string workspace;
        await using (var silo = await StartAsync(store))
        {
            workspace = await CreateAsync(silo, "Created Before The Registry");
        }

        await using var restarted = await StartAsync(store);

        // As if it had been created before the registry existed (or the process died before it registered).
        await restarted.Services.GetRequiredService<IJournalStorage>().DeleteStreamAsync(Stream, TestContext.Current.CancellationToken);
        Assert.Empty((await Registry(restarted).ListAsync(null, 100)).Workspaces);
        await restarted.Grains.GetGrain<IWorkspaceGrain>(workspace).GetAsync();

        Assert.Equal("Created Before The Registry", (await Registry(restarted).GetAsync(workspace)).Name);
    }

    [Fact]
    public async Task An_entry_appended_by_another_activation_is_caught_up_and_neither_is_lost()
    {
        await using var silo = await StartAsync(await StoreAsync());
        var registry = Registry(silo);
        var first = WorkspaceIds.NewWorkspaceId();
        await registry.RecordAsync(first, "First", silo.Time.GetUtcNow());

        // A second activation elsewhere (a membership change) appends behind this one's back.
        var journal = silo.Services.GetRequiredService<IJournalStorage>();
        var elsewhere = WorkspaceIds.NewWorkspaceId();
        var last = await journal.GetLastSequenceAsync(Stream, TestContext.Current.CancellationToken);
        await journal.AppendAsync(Stream, last, [System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new WorkspaceRegistryEntry(WorkspaceRegistryEntry.Recorded, elsewhere, "Elsewhere", silo.Time.GetUtcNow()), s_json)], TestContext.Current.CancellationToken);
        var third = WorkspaceIds.NewWorkspaceId();
        await registry.RecordAsync(third, "Third", silo.Time.GetUtcNow());

        Assert.Equal([first, elsewhere, third], (await registry.ListAsync(null, 100)).Workspaces.Select(static w => w.WorkspaceId));
        Assert.Equal(last + 2, await journal.GetLastSequenceAsync(Stream, TestContext.Current.CancellationToken));
    }

    private static IWorkspaceRegistryGrain Registry(PlatformTestCluster silo) => silo.Grains.GetGrain<IWorkspaceRegistryGrain>(WorkspaceRegistryGrain.Key);

    private static async Task<string> CreateAsync(PlatformTestCluster silo, string name)
    {
        var id = WorkspaceIds.NewWorkspaceId();
        await silo.Grains.GetGrain<IWorkspaceGrain>(id).CreateAsync(name, "olive@acme.test", "Olive");
        return id;
    }

    private async Task<PlatformTestCluster> StartAsync(Action<IServiceCollection> store)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Platform:DataDirectory"] = _keyDirectory })
            .Build();
        return await GrainsCluster.StartAsync(
            services =>
            {
                store(services);
                services.AddBudget();
                services.AddWorkspaceEncryption(configuration);
                services.AddPlatformModelsAndTools(configuration);
            });
    }
}
