using System.Net;

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

using Orleans.Configuration;

using Platform.Silo.Membership;
using Platform.Silo.Storage;
using Platform.Silo.Tests.Storage;

namespace Platform.Silo.Tests.Membership;

/// <summary>
/// The membership table Orleans' protocol runs on, against a real PostgreSQL: a row change and the table version move
/// together or not at all, a writer with an outdated view always loses, and clusters sharing a database stay apart.
/// </summary>
public sealed class PostgresMembershipTableTests(PostgresClusterFixture postgres) : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly DateTime Start = new(2026, 12, 1, 8, 0, 0, DateTimeKind.Utc);
    private ServiceProvider _services = null!;
    private IMembershipTable _table = null!;
    private string _database = "";

    public async ValueTask InitializeAsync()
    {
        _database = await postgres.SharedDatabaseAsync();
        (_services, _table) = await StartAsync(NewClusterId());
    }

    public async ValueTask DisposeAsync() => await _services.DisposeAsync();

    [Fact]
    public async Task A_new_cluster_reads_empty_at_version_zero()
    {
        var data = await _table.ReadAllAsync(Ct);

        Assert.Empty(data.Members);
        Assert.Equal(0, data.Version.Version);
        Assert.NotNull(data.Version.VersionEtag);
    }

    [Fact]
    public async Task An_insert_from_the_current_view_succeeds_once_and_moves_the_version()
    {
        var view = (await _table.ReadAllAsync(Ct)).Version;
        var entry = Entry(1, SiloStatus.Joining);

        Assert.True(await _table.InsertRowAsync(entry, view.Next(), Ct));
        Assert.False(await _table.InsertRowAsync(entry, view.Next(), Ct));
        Assert.False(await _table.InsertRowAsync(Entry(2, SiloStatus.Joining), view.Next(), Ct));
        var after = await _table.ReadAllAsync(Ct);
        Assert.False(await _table.InsertRowAsync(entry, after.Version.Next(), Ct));

        var (stored, etag) = Assert.Single(after.Members);
        Assert.Equal(1, after.Version.Version);
        Assert.NotEqual(view.VersionEtag, after.Version.VersionEtag);
        Assert.False(string.IsNullOrEmpty(etag));
        AssertSame(entry, stored);
    }

    [Fact]
    public async Task An_update_with_an_outdated_row_etag_or_table_version_fails_and_changes_nothing()
    {
        var entry = Entry(1, SiloStatus.Joining);
        Assert.True(await _table.InsertRowAsync(entry, (await _table.ReadAllAsync(Ct)).Version.Next(), Ct));
        var read = await _table.ReadRowAsync(entry.SiloAddress, Ct);
        var (_, etag) = Assert.Single(read.Members);
        entry.Status = SiloStatus.Active;

        Assert.False(await _table.UpdateRowAsync(entry, etag + "0", read.Version.Next(), Ct));
        Assert.False(await _table.UpdateRowAsync(entry, "not an etag", read.Version.Next(), Ct));
        Assert.False(await _table.UpdateRowAsync(entry, etag, new TableVersion(read.Version.Version + 1, read.Version.VersionEtag + "0"), Ct));
        Assert.False(await _table.UpdateRowAsync(Entry(9, SiloStatus.Active), etag, read.Version.Next(), Ct));
        var unchanged = await _table.ReadRowAsync(entry.SiloAddress, Ct);
        Assert.Equal(SiloStatus.Joining, Assert.Single(unchanged.Members).Item1.Status);
        Assert.Equal(read.Version, unchanged.Version);

        Assert.True(await _table.UpdateRowAsync(entry, etag, read.Version.Next(), Ct));
        var updated = await _table.ReadRowAsync(entry.SiloAddress, Ct);
        Assert.Equal(SiloStatus.Active, Assert.Single(updated.Members).Item1.Status);
        Assert.NotEqual(etag, updated.Members[0].Item2);
        Assert.Equal(2, updated.Version.Version);
        Assert.False(await _table.UpdateRowAsync(entry, etag, updated.Version.Next(), Ct));
    }

    [Fact]
    public async Task Of_twenty_writers_with_the_same_view_exactly_one_wins()
    {
        var entry = Entry(1, SiloStatus.Active);
        Assert.True(await _table.InsertRowAsync(entry, (await _table.ReadAllAsync(Ct)).Version.Next(), Ct));
        var read = await _table.ReadRowAsync(entry.SiloAddress, Ct);
        var etag = read.Members[0].Item2;

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
        {
            var vote = Entry(1, SiloStatus.Active);
            vote.SuspectTimes = [Tuple.Create(Entry(100 + i, SiloStatus.Active).SiloAddress, Start.AddMinutes(i))];
            return _table.UpdateRowAsync(vote, etag, read.Version.Next(), Ct);
        }));

        Assert.Single(outcomes, static won => won);
        var after = await _table.ReadAllAsync(Ct);
        Assert.Equal(2, after.Version.Version);
        Assert.Single(Assert.Single(after.Members).Item1.SuspectTimes!);
    }

    [Fact]
    public async Task I_am_alive_moves_only_the_alive_time()
    {
        var entry = Entry(1, SiloStatus.Active);
        Assert.True(await _table.InsertRowAsync(entry, (await _table.ReadAllAsync(Ct)).Version.Next(), Ct));
        var before = await _table.ReadRowAsync(entry.SiloAddress, Ct);

        entry.IAmAliveTime = Start.AddMinutes(5);
        entry.Status = SiloStatus.Dead;
        await _table.UpdateIAmAliveAsync(entry, Ct);

        var after = await _table.ReadRowAsync(entry.SiloAddress, Ct);
        var (stored, etag) = Assert.Single(after.Members);
        Assert.Equal(Start.AddMinutes(5), stored.IAmAliveTime);
        Assert.Equal(SiloStatus.Active, stored.Status);
        Assert.Equal(before.Members[0].Item2, etag);
        Assert.Equal(before.Version, after.Version);
    }

    [Fact]
    public async Task Clean_up_removes_only_dead_silos_not_heard_of_since_the_date()
    {
        var version = (await _table.ReadAllAsync(Ct)).Version;
        var oldDead = Entry(1, SiloStatus.Dead);
        var recentlyDeclaredDead = Entry(2, SiloStatus.Dead);
        recentlyDeclaredDead.SuspectTimes = [Tuple.Create(Entry(3, SiloStatus.Active).SiloAddress, Start.AddHours(2))];
        var quietButActive = Entry(3, SiloStatus.Active);
        foreach (var entry in new[] { oldDead, recentlyDeclaredDead, quietButActive })
        {
            version = version.Next();
            Assert.True(await _table.InsertRowAsync(entry, version, Ct));
            version = (await _table.ReadAllAsync(Ct)).Version;
        }

        await _table.CleanupDefunctSiloEntriesAsync(new DateTimeOffset(Start.AddHours(1)), Ct);

        var left = (await _table.ReadAllAsync(Ct)).Members.Select(static m => m.Item1.SiloAddress).ToHashSet();
        Assert.Equal([recentlyDeclaredDead.SiloAddress, quietButActive.SiloAddress], left.OrderBy(static a => a.Generation));
    }

    [Fact]
    public async Task Clusters_sharing_a_database_see_only_their_own_silos_and_deleting_one_leaves_the_other()
    {
        var otherCluster = NewClusterId();
        var (otherServices, other) = await StartAsync(otherCluster);
        await using var _ = otherServices;
        Assert.True(await _table.InsertRowAsync(Entry(1, SiloStatus.Active), (await _table.ReadAllAsync(Ct)).Version.Next(), Ct));
        Assert.True(await other.InsertRowAsync(Entry(2, SiloStatus.Active), (await other.ReadAllAsync(Ct)).Version.Next(), Ct));

        Assert.Equal(1, Assert.Single((await _table.ReadAllAsync(Ct)).Members).Item1.SiloAddress.Generation);
        Assert.Equal(2, Assert.Single((await other.ReadAllAsync(Ct)).Members).Item1.SiloAddress.Generation);
        Assert.Empty((await _table.ReadRowAsync(Entry(2, SiloStatus.Active).SiloAddress, Ct)).Members);

        await other.DeleteMembershipTableEntriesAsync(otherCluster, Ct);

        Assert.Single((await _table.ReadAllAsync(Ct)).Members);
        Assert.Empty((await other.ReadAllAsync(Ct)).Members);
    }

    private static void AssertSame(MembershipEntry expected, MembershipEntry actual)
    {
        Assert.Equal(expected.SiloAddress, actual.SiloAddress);
        Assert.Equal(expected.Status, actual.Status);
        Assert.Equal(expected.SiloName, actual.SiloName);
        Assert.Equal(expected.HostName, actual.HostName);
        Assert.Equal(expected.ProxyPort, actual.ProxyPort);
        Assert.Equal(expected.StartTime, actual.StartTime);
        Assert.Equal(expected.IAmAliveTime, actual.IAmAliveTime);
        Assert.Equal(expected.SuspectTimes!.Select(static v => (v.Item1, v.Item2)), actual.SuspectTimes!.Select(static v => (v.Item1, v.Item2)));
    }

    /// <summary>A silo incarnation on 127.0.0.1:11111 whose generation tells it apart.</summary>
    private static MembershipEntry Entry(int generation, SiloStatus status) => new()
    {
        SiloAddress = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11111), generation),
        Status = status,
        SiloName = $"node-{generation}",
        HostName = "test-host",
        ProxyPort = 30000,
        StartTime = Start,
        IAmAliveTime = Start,
        SuspectTimes = [Tuple.Create(SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11112), 7), Start.AddSeconds(-30))],
    };

    private static string NewClusterId() => $"test-{Guid.NewGuid():N}";

    private async Task<(ServiceProvider, IMembershipTable)> StartAsync(string clusterId)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddLogging();
        services.AddPostgresGrainStorage(options => options.ConnectionString = _database);
        services.AddPostgresMembership();
        services.Configure<ClusterOptions>(cluster => cluster.ClusterId = clusterId);
        var provider = services.BuildServiceProvider();
        var table = provider.GetRequiredService<IMembershipTable>();
        await table.InitializeMembershipTableAsync(tryInitTableVersion: true, Ct);
        return (provider, table);
    }
}
