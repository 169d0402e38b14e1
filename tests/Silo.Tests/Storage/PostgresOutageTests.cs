using System.Diagnostics;
using System.Text;

using Platform.Testing;

namespace Platform.Silo.Tests.Storage;

/// <summary>Stops and restarts a PostgreSQL server of its own, so no other test sees the outage.</summary>
public sealed class PostgresOutageTests : IAsyncLifetime
{
    private const string StateName = "state";
    private static readonly TimeSpan FailFastLimit = TimeSpan.FromSeconds(2.5);

    private TemporaryPostgresCluster? _cluster;

    private TemporaryPostgresCluster Cluster => _cluster!;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _cluster = await TemporaryPostgresCluster.StartAsync(allowExternal: false, Cancellation);

    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    [Fact]
    public async Task Calls_fail_fast_while_the_server_is_down_and_succeed_once_it_is_back()
    {
        await using var host = await StorageHost.StartPostgresAsync(Cluster.ConnectionString);
        var grain = GrainId.Create("outage", Guid.NewGuid().ToString("N"));
        var etag = await host.Store.WriteAsync(grain, StateName, Bytes("before"), null, Cancellation);

        await Cluster.StopAsync(Cancellation);

        var failures = new[]
        {
            await FailsFastAsync("read", () => host.Store.ReadAsync(grain, StateName, Cancellation)),
            await FailsFastAsync("write", () => host.Store.WriteAsync(grain, StateName, Bytes("during"), etag, Cancellation)),
            await FailsFastAsync("clear", () => host.Store.ClearAsync(grain, StateName, etag, Cancellation)),
            await FailsFastAsync("reminder read", () => host.Reminders.ReadRows(grain, Cancellation)),
            await FailsFastAsync("reminder range read", () => host.Reminders.ReadRows(0, 0, Cancellation)),
            await FailsFastAsync("reminder upsert", () => host.Reminders.UpsertRow(new ReminderEntry { GrainId = grain, ReminderName = "tick", StartAt = DateTime.UnixEpoch, Period = TimeSpan.FromMinutes(1) }, Cancellation)),
        };
        TestContext.Current.TestOutputHelper?.WriteLine(string.Join(Environment.NewLine, failures.Select(static f => f.Message)));
        Assert.All(failures, failure =>
        {
            Assert.StartsWith("PostgreSQL storage is unavailable: ", failure.Message, StringComparison.Ordinal);
            Assert.Contains($"127.0.0.1:{Cluster.Port}", failure.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(Cluster.Password, failure.Message, StringComparison.Ordinal);
        });

        await Cluster.RestartAsync(Cancellation);

        var stored = await host.Store.ReadAsync(grain, StateName, Cancellation);
        Assert.Equal("before", Text(stored!.Payload));
        Assert.Equal(etag, stored.Etag);
        var after = await host.Store.WriteAsync(grain, StateName, Bytes("after"), etag, Cancellation);
        Assert.Equal(after, (await host.Store.ReadAsync(grain, StateName, Cancellation))!.Etag);
    }

    [Fact]
    public async Task A_server_restart_between_calls_is_invisible_to_the_next_calls()
    {
        await using var host = await StorageHost.StartPostgresAsync(Cluster.ConnectionString);
        var grain = GrainId.Create("outage", Guid.NewGuid().ToString("N"));
        var etag = await host.Store.WriteAsync(grain, StateName, Bytes("before"), null, Cancellation);
        Assert.NotNull(await host.Store.ReadAsync(grain, StateName, Cancellation));

        // The pool now holds connections the restart kills; the next calls must not trip over them.
        await Cluster.RestartAsync(Cancellation);

        var next = await host.Store.WriteAsync(grain, StateName, Bytes("after"), etag, Cancellation);
        Assert.Equal(next, (await host.Store.ReadAsync(grain, StateName, Cancellation))!.Etag);
    }

    private static async Task<StorageUnavailableException> FailsFastAsync(string operation, Func<Task> call)
    {
        var stopwatch = Stopwatch.StartNew();
        var failure = await Assert.ThrowsAsync<StorageUnavailableException>(call);
        stopwatch.Stop();
        Assert.True(stopwatch.Elapsed < FailFastLimit, $"The {operation} took {stopwatch.Elapsed.TotalMilliseconds:F0} ms to fail; it must fail in under {FailFastLimit.TotalSeconds} s while the server is down.");
        return failure;
    }

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static string? Text(byte[]? bytes) => bytes is null ? null : Encoding.UTF8.GetString(bytes);
}
