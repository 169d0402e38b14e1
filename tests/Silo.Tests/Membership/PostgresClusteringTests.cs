using System.Globalization;

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

using Npgsql;

using Platform.Silo.Hosting;
using Platform.Silo.Isolation;
using Platform.Silo.Tests.Grains;
using Platform.Silo.Tests.Storage;
using Platform.Testing;

namespace Platform.Silo.Tests.Membership;

/// <summary>
/// Two real silos, each in its own host on its own loopback ports, configured only through the operator's settings
/// (<c>Silo:Clustering=postgres</c>): they find each other in PostgreSQL, keep one activation per grain between them,
/// and a node that leaves is marked dead there while the other carries on with the state.
/// </summary>
public sealed class PostgresClusteringTests(PostgresClusterFixture postgres) : IAsyncLifetime
{
    private static readonly TimeSpan JoinTimeout = TimeSpan.FromSeconds(60);
    private readonly string _clusterId = $"test-{Guid.NewGuid():N}"[..30];
    private readonly List<IHost> _hosts = [];
    private string _database = "";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _database = await postgres.Cluster.CreateDatabaseAsync("clustering", Ct);

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            try
            {
                await host.StopAsync(CancellationToken.None);
            }
            finally
            {
                host.Dispose();
            }
        }
    }

    [Fact(Timeout = 180_000)]
    public async Task Two_nodes_find_each_other_in_postgres_and_share_one_activation_per_grain()
    {
        var first = await StartNodeAsync("node-a");
        var second = await StartNodeAsync("node-b");
        await WaitForActiveSilosAsync(first, 2);
        await WaitForActiveSilosAsync(second, 2);

        for (var i = 0; i < 10; i++)
        {
            var key = $"shared-{i}";
            var fromFirst = Grains(first).GetGrain<ICounterGrain>(key);
            var fromSecond = Grains(second).GetGrain<ICounterGrain>(key);

            Assert.Equal(1, await fromFirst.IncrementAsync());
            Assert.Equal(2, await fromSecond.IncrementAsync());
            Assert.Equal(await fromFirst.ActivationIdAsync(), await fromSecond.ActivationIdAsync());
        }

        var rows = await MembershipRowsAsync();
        Assert.Equal(2, rows.Count(static r => r.Status == (int)SiloStatus.Active));
        Assert.Equal(["node-a", "node-b"], rows.Select(static r => r.Name).Order(StringComparer.Ordinal));
    }

    [Fact(Timeout = 180_000)]
    public async Task A_node_that_leaves_is_marked_dead_and_the_other_serves_its_grains_with_their_state()
    {
        var survivor = await StartNodeAsync("node-a");
        var leaving = await StartNodeAsync("node-b");
        await WaitForActiveSilosAsync(survivor, 2);
        var counters = Enumerable.Range(0, 10).Select(i => $"moving-{i}").ToArray();
        foreach (var key in counters)
        {
            await Grains(leaving).GetGrain<ICounterGrain>(key).IncrementAsync();
        }

        await leaving.StopAsync(Ct);

        var rows = await MembershipRowsAsync();
        Assert.Equal((int)SiloStatus.Dead, rows.Single(static r => r.Name == "node-b").Status);
        await WaitForActiveSilosAsync(survivor, 1);
        foreach (var key in counters)
        {
            Assert.Equal(2, await Grains(survivor).GetGrain<ICounterGrain>(key).IncrementAsync());
        }
    }

    [Theory]
    [InlineData("postgres", "sqlite", "Silo:Storage to 'postgres'")]
    [InlineData("consul", "postgres", "use 'single' or 'postgres'")]
    [InlineData("postgres", "postgres", "use an IPv4 or IPv6 address", "999.1.1.1")]
    [InlineData("single", "sqlite", "set Silo:Clustering to 'postgres'", "", "true")]
    public void A_cluster_setting_that_cannot_work_stops_the_host_saying_what_is_accepted(string clustering, string storage, string expected, string advertised = "", string kubernetes = "false")
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Silo:Clustering"] = clustering,
            ["Silo:Storage"] = storage,
            ["Silo:AdvertisedAddress"] = advertised,
            ["Silo:Kubernetes"] = kubernetes,
        });

        var refused = Assert.Throws<InvalidOperationException>(() => builder.UseOrleans(silo => silo.UseConfiguredClustering(builder.Configuration)));

        Assert.Contains(expected, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void On_kubernetes_a_node_takes_its_identity_from_the_pod_through_orleans_kubernetes_hosting()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Silo:Clustering"] = "postgres",
            ["Silo:Storage"] = "postgres",
            ["Silo:Kubernetes"] = "true",
        });

        builder.UseOrleans(silo => silo.UseConfiguredClustering(builder.Configuration));

        Assert.Contains(builder.Services, static d => d.ServiceType == typeof(IConfigureOptions<Orleans.Hosting.Kubernetes.KubernetesHostingOptions>));
        Assert.Contains(builder.Services, static d => d.ServiceType == typeof(IMembershipTable));
    }

    private static IGrainFactory Grains(IHost host) => host.Services.GetRequiredService<IGrainFactory>();

    private async Task<IHost> StartNodeAsync(string name)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Silo:Clustering"] = "postgres",
            ["Silo:Storage"] = "postgres",
            ["Silo:Postgres:ConnectionString"] = _database,
            ["Silo:ClusterId"] = _clusterId,
            ["Silo:AdvertisedAddress"] = "127.0.0.1",
            ["Silo:NodeName"] = name,
            ["Silo:SiloPort"] = FreePorts.Next().ToString(CultureInfo.InvariantCulture),
            ["Silo:GatewayPort"] = FreePorts.Next().ToString(CultureInfo.InvariantCulture),
        });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton<ITenantIsolation, NoTenants>();
        builder.UseOrleans(silo => silo.UseConfiguredClustering(builder.Configuration).AddPlatformRuntime(builder.Configuration));
        var host = builder.Build();
        _hosts.Add(host);
        await host.StartAsync(Ct);
        return host;
    }

    private static async Task WaitForActiveSilosAsync(IHost host, int count)
    {
        var management = Grains(host).GetGrain<IManagementGrain>(0);
        var deadline = DateTime.UtcNow + JoinTimeout;
        while ((await management.GetHosts(onlyActive: true)).Count != count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the cluster did not reach {count} active silos within {JoinTimeout}");
            await Task.Delay(200, Ct);
        }
    }

    private async Task<List<(string Name, int Status)>> MembershipRowsAsync()
    {
        await using var connection = new NpgsqlConnection(_database);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand("SELECT silo_name, status FROM membership WHERE cluster_id = $1", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _clusterId });
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var rows = new List<(string, int)>();
        while (await reader.ReadAsync(Ct))
        {
            rows.Add((reader.GetString(0), reader.GetInt32(1)));
        }

        return rows;
    }
}
