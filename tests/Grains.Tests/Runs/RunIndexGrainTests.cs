using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Platform.Grains.Interfaces.Runs;
using Platform.Grains.Runs;
using Platform.Grains.Workspaces;
using Platform.Testing;

namespace Platform.Grains.Tests.Runs;

/// <summary>The run listing's order, paging and bound, over a real store (a listing of 10 so the bound is cheap to reach).</summary>
public abstract class RunIndexGrainTests
{
    private const int Listed = 10;
    private readonly FakeTimeProvider _time = TestClock.Create();

    /// <summary>Registers the store under test; every call within one test reaches the same data.</summary>
    protected abstract Task<Action<IServiceCollection>> StoreAsync();

    [Fact]
    public async Task A_full_listing_drops_the_oldest_finished_run_first_so_a_waiting_run_stays_listed_after_a_restart()
    {
        var store = await StoreAsync();
        var workspace = WorkspaceIds.NewWorkspaceId();
        var waiting = Summary(RunStatus.WaitingForApproval);
        var finished = new List<RunSummary>();
        await using (var silo = await StartAsync(store))
        {
            var index = silo.Grains.GetGrain<IRunIndexGrain>(workspace);
            await index.RecordAsync(waiting);
            for (var i = 0; i < Listed + 2; i++)
            {
                finished.Add(Summary(RunStatus.Completed));
                await index.RecordAsync(finished[^1]);
            }
        }

        await using var restarted = await StartAsync(store);
        var page = await restarted.Grains.GetGrain<IRunIndexGrain>(workspace).ListAsync(null, null, 1000);

        Assert.Equal(Listed, page.Runs.Length);
        Assert.Contains(page.Runs, r => r.RunId == waiting.RunId);
        Assert.Equal(finished.Skip(3).Select(static r => r.RunId).Reverse().Append(waiting.RunId), page.Runs.Select(static r => r.RunId));
        Assert.Null(page.Next);
    }

    [Fact]
    public async Task When_every_listed_run_is_unfinished_the_oldest_one_makes_room()
    {
        await using var silo = await StartAsync(await StoreAsync());
        var index = silo.Grains.GetGrain<IRunIndexGrain>(WorkspaceIds.NewWorkspaceId());
        var runs = new List<RunSummary>();
        for (var i = 0; i < Listed + 1; i++)
        {
            runs.Add(Summary(RunStatus.Running));
            await index.RecordAsync(runs[^1]);
        }

        var page = await index.ListAsync(null, null, 1000);

        Assert.Equal(Listed, page.Runs.Length);
        Assert.DoesNotContain(page.Runs, r => r.RunId == runs[0].RunId);
    }

    [Fact]
    public async Task An_update_replaces_the_entry_in_place_and_an_older_one_or_one_leaving_a_final_status_is_ignored()
    {
        await using var silo = await StartAsync(await StoreAsync());
        var index = silo.Grains.GetGrain<IRunIndexGrain>(WorkspaceIds.NewWorkspaceId());
        var first = Summary(RunStatus.Running);
        var second = Summary(RunStatus.Running);
        await index.RecordAsync(first);
        await index.RecordAsync(second);
        var done = first with { Status = RunStatus.Completed, UpdatedAt = first.UpdatedAt.AddMinutes(5), SpentMicros = 42 };

        await index.RecordAsync(done);
        await index.RecordAsync(first with { UpdatedAt = first.UpdatedAt.AddMinutes(1) });
        await index.RecordAsync(first with { Status = RunStatus.WaitingForApproval, UpdatedAt = done.UpdatedAt });
        var page = await index.ListAsync(null, null, 10);

        Assert.Equal([second.RunId, first.RunId], page.Runs.Select(static r => r.RunId));
        Assert.Equal(done, page.Runs[1]);
    }

    [Fact]
    public async Task Pages_follow_next_newest_first_and_a_status_filter_pages_within_its_status()
    {
        await using var silo = await StartAsync(await StoreAsync());
        var index = silo.Grains.GetGrain<IRunIndexGrain>(WorkspaceIds.NewWorkspaceId());
        var runs = new List<RunSummary>();
        for (var i = 0; i < 5; i++)
        {
            runs.Add(Summary(i % 2 == 0 ? RunStatus.Failed : RunStatus.Cancelled));
            await index.RecordAsync(runs[^1]);
        }

        var first = await index.ListAsync(null, null, 2);
        var second = await index.ListAsync(null, first.Next, 2);
        var third = await index.ListAsync(null, second.Next, 2);
        var failed = await index.ListAsync(RunStatus.Failed, null, 2);
        var failedRest = await index.ListAsync(RunStatus.Failed, failed.Next, 2);

        Assert.Equal([runs[4].RunId, runs[3].RunId], first.Runs.Select(static r => r.RunId));
        Assert.Equal([runs[2].RunId, runs[1].RunId], second.Runs.Select(static r => r.RunId));
        Assert.Equal([runs[0].RunId], third.Runs.Select(static r => r.RunId));
        Assert.Null(third.Next);
        Assert.Equal([runs[4].RunId, runs[2].RunId], failed.Runs.Select(static r => r.RunId));
        Assert.Equal([runs[0].RunId], failedRest.Runs.Select(static r => r.RunId));
        Assert.Null(failedRest.Next);
        await Assert.ThrowsAsync<ArgumentException>(() => index.ListAsync(null, RunIds.NewRunId(), 2));
        await Assert.ThrowsAsync<ArgumentException>(() => index.ListAsync(null, null, 1001));
    }

    private RunSummary Summary(RunStatus status)
    {
        // One second apart, so creation order is listing order.
        _time.Advance(TimeSpan.FromSeconds(1));
        var now = _time.GetUtcNow();
        return new RunSummary(RunIds.NewRunId(), status, "olive@acme.test", now, now, 1_000, 0);
    }

    private Task<PlatformTestCluster> StartAsync(Action<IServiceCollection> store) =>
        GrainsCluster.StartAsync(
            services =>
            {
                store(services);
                services.Configure<RunIndexOptions>(o => o.MaxListed = Listed);
            },
            time: _time);
}
