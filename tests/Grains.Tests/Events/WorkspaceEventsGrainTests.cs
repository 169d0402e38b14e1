using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Platform.Grains.Events;
using Platform.Grains.Interfaces.Events;
using Platform.Grains.Workspaces;
using Platform.Testing;

namespace Platform.Grains.Tests.Events;

/// <summary>
/// A workspace's event feed is where at-least-once delivery becomes once: a repeated event id is not kept again, the
/// newest events come first, and one workspace's feed never shows another's events.
/// </summary>
public sealed class WorkspaceEventsGrainTests : IAsyncLifetime
{
    private static readonly DateTimeOffset s_at = new(2026, 12, 4, 9, 0, 0, TimeSpan.Zero);

    private readonly string _directory = Directory.CreateTempSubdirectory("event-feed-").FullName;
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
    public async Task An_event_delivered_twice_is_kept_once_with_what_arrived_first()
    {
        var feed = _cluster.Grains.GetGrain<IWorkspaceEventsGrain>(WorkspaceIds.NewWorkspaceId());
        var first = Event("run.finished", "Run r-1 completed; cost $0.01.");

        Assert.True(await feed.RecordAsync(first));
        Assert.False(await feed.RecordAsync(first with { Summary = "a redelivery", ReceivedAt = s_at.AddMinutes(1) }));

        var kept = Assert.Single(await feed.ListAsync(10));
        Assert.Equal(first, kept);
    }

    [Fact]
    public async Task The_feed_lists_the_newest_first_up_to_the_limit()
    {
        var feed = _cluster.Grains.GetGrain<IWorkspaceEventsGrain>(WorkspaceIds.NewWorkspaceId());
        var events = Enumerable.Range(0, 5).Select(i => Event("approval.requested", $"event {i}")).ToList();
        foreach (var e in events)
        {
            await feed.RecordAsync(e);
        }

        var listed = await feed.ListAsync(3);

        Assert.Equal(events.AsEnumerable().Reverse().Take(3).Select(static e => e.EventId), listed.Select(static e => e.EventId));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(WorkspaceEventsGrain.MaxListed + 1)]
    public async Task A_limit_outside_the_accepted_range_is_refused_saying_what_is_accepted(int limit)
    {
        var feed = _cluster.Grains.GetGrain<IWorkspaceEventsGrain>(WorkspaceIds.NewWorkspaceId());

        var refusal = await Assert.ThrowsAsync<ArgumentException>(() => feed.ListAsync(limit));

        Assert.Contains($"limit must be between 1 and {WorkspaceEventsGrain.MaxListed}", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task One_workspaces_events_never_appear_in_anothers_feed()
    {
        var mine = _cluster.Grains.GetGrain<IWorkspaceEventsGrain>(WorkspaceIds.NewWorkspaceId());
        var theirs = _cluster.Grains.GetGrain<IWorkspaceEventsGrain>(WorkspaceIds.NewWorkspaceId());

        await mine.RecordAsync(Event("budget.exhausted", "Out of budget"));

        Assert.Single(await mine.ListAsync(10));
        Assert.Empty(await theirs.ListAsync(10));
    }

    private static WorkspaceEvent Event(string type, string summary) =>
        new(Guid.CreateVersion7(), type, s_at, s_at, summary, RunId: "r-1", ApprovalId: null);
}
