using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Platform.Grains.Interfaces.Workspaces;
using Platform.Grains.Workspaces;
using Platform.Testing;

namespace Platform.Grains.Tests.Workspaces;

/// <summary>
/// On a two-silo cluster each silo's gateway remembers key checks of its own; a change of the workspace, wherever its
/// grain runs, has both silos forget them before the change is acknowledged.
/// </summary>
public sealed class KeyCheckForgettingTests : IAsyncLifetime
{
    private const string Owner = "owner@acme.test";
    private static readonly ActingMember OwnerActs = new(Owner, "000000000000", [WorkspaceRole.Member, WorkspaceRole.Approver, WorkspaceRole.Admin, WorkspaceRole.Owner]);

    private readonly string _directory = Directory.CreateTempSubdirectory("key-checks-").FullName;
    private PlatformTestCluster _cluster = null!;

    public async ValueTask InitializeAsync()
    {
        _cluster = await GrainsCluster.StartOnSqliteAsync(_directory);
    }

    public async ValueTask DisposeAsync()
    {
        await _cluster.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Revoking_a_key_makes_every_silo_forget_its_remembered_check()
    {
        var (workspace, keyId, secret) = await WorkspaceWithKeyAsync();
        await RememberOnEverySiloAsync(workspace, keyId, secret);

        await _cluster.Grains.GetGrain<IWorkspaceGrain>(workspace).RevokeKeyAsync(keyId, OwnerActs);

        Assert.All(Caches(), cache => Assert.Null(cache.Find(workspace, keyId, secret)));
        Assert.Null((await _cluster.Grains.GetGrain<IWorkspaceGrain>(workspace).AuthenticateAsync(keyId, secret)).Principal);
    }

    [Fact]
    public async Task Changing_the_keys_member_makes_every_silo_forget_and_other_workspaces_keep_theirs()
    {
        var (workspace, keyId, secret) = await WorkspaceWithKeyAsync();
        var (other, otherKeyId, otherSecret) = await WorkspaceWithKeyAsync(differentStripeFrom: workspace);
        await RememberOnEverySiloAsync(workspace, keyId, secret);
        await RememberOnEverySiloAsync(other, otherKeyId, otherSecret);

        await _cluster.Grains.GetGrain<IWorkspaceGrain>(workspace).PutMemberAsync("carol@acme.test", "Carol", [WorkspaceRole.Member], OwnerActs);

        Assert.All(Caches(), cache => Assert.Null(cache.Find(workspace, keyId, secret)));
        Assert.All(Caches(), cache => Assert.NotNull(cache.Find(other, otherKeyId, otherSecret)));
    }

    private IEnumerable<KeyAuthenticationCache> Caches() =>
        _cluster.Cluster.Silos.Select(static silo => silo.ServiceProvider.GetRequiredService<KeyAuthenticationCache>());

    /// <summary>Checks the key on each silo's behalf as that silo's gateway would, so each silo remembers it.</summary>
    private async Task RememberOnEverySiloAsync(string workspace, string keyId, string secret)
    {
        foreach (var cache in Caches())
        {
            var ticket = cache.Begin(workspace);
            var answer = await _cluster.Grains.GetGrain<IWorkspaceGrain>(workspace).AuthenticateAsync(keyId, secret);
            cache.Remember(ticket, keyId, secret, answer);
            Assert.NotNull(cache.Find(workspace, keyId, secret));
        }
    }

    /// <param name="differentStripeFrom">A workspace whose forgetting must not reach this one's (1 in 1,024 share a counter).</param>
    private async Task<(string WorkspaceId, string KeyId, string Secret)> WorkspaceWithKeyAsync(string? differentStripeFrom = null)
    {
        var id = WorkspaceIds.NewWorkspaceId();
        while (differentStripeFrom is not null && KeyAuthenticationCache.Stripe(id) == KeyAuthenticationCache.Stripe(differentStripeFrom))
        {
            id = WorkspaceIds.NewWorkspaceId();
        }

        var workspace = _cluster.Grains.GetGrain<IWorkspaceGrain>(id);
        await workspace.CreateAsync("Acme", Owner, "Olive Owner");
        var created = await workspace.CreateKeyAsync(new CreateApiKey("ci", Owner, [ApiKeyScope.Member], null), OwnerActs);
        Assert.True(ApiKeyToken.TryParse(created.Token, out _, out var keyId, out var secret));
        return (id, keyId, secret);
    }
}
