using Microsoft.Data.Sqlite;

using Platform.Grains.Interfaces.Approvals;
using Platform.Grains.Interfaces.Budget;
using Platform.Grains.Interfaces.Runs;
using Platform.Grains.Interfaces.Workspaces;
using Platform.Grains.Runs;
using Platform.Testing;

namespace Platform.Security.Tests.Contracts;

/// <summary>
/// A silo of a two-silo cluster dies (killed, no graceful deactivation) while a run waits for approval and the
/// workspace's budget holds open reservations, both activated on it. The other silo takes over from the shared
/// SQLite file: the run is approved there and completes, and the cap holds: what was settled stays spent, the dead
/// activation's open reservations are gone (they lived in its memory) and its unexplained lease is withheld, so
/// nothing is granted past the cap.
/// </summary>
public sealed class SiloFailoverTests : IAsyncLifetime
{
    private const long Cap = 50_000_000;
    private readonly string _directory = Directory.CreateTempSubdirectory("failover-").FullName;
    private PlatformTestCluster _cluster = null!;

    public async ValueTask InitializeAsync() => _cluster = await PlatformCluster.StartAsync(_directory);

    public async ValueTask DisposeAsync()
    {
        await _cluster.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact(Timeout = 240_000)]
    public async Task Run_waiting_for_approval_resumes_on_the_surviving_silo_and_the_cap_holds()
    {
        var grains = _cluster.Grains;
        var doomed = _cluster.Cluster.Silos[1];

        // Placement chooses the silo: new workspaces until the budget lands on the silo that is to die, then new runs
        // until one does too (each a coin toss on two silos). Migrating them there instead hung the run grain.
        var (workspace, budget) = await OnDoomedSiloAsync(async () =>
        {
            var id = await PlatformCluster.WorkspaceAsync(grains, Cap);
            return (id, grains.GetGrain<IBudgetGrain>(id));
        }, b => b.Item2, doomed.SiloAddress);
        var (runKey, approvalId) = await OnDoomedSiloAsync(async () =>
        {
            var key = RunIds.GrainKey(workspace, RunIds.NewRunId());
            await grains.GetGrain<IAgentRunGrain>(key).StartAsync(new StartRun("email bob@example.test that the report is late", PlatformCluster.Owner, null));
            return (key, (await RunPolling.WaitForStatusAsync(grains, key, RunStatus.WaitingForApproval)).PendingApprovalId!);
        }, r => grains.GetGrain<IAgentRunGrain>(r.Item1), doomed.SiloAddress);
        var run = grains.GetGrain<IAgentRunGrain>(runKey);

        var settled = await budget.ReserveAsync(new ReservationRequest(300_000, "model call"));
        var open = await budget.ReserveAsync(new ReservationRequest(400_000, "model call"));
        Assert.True(settled.Granted && open.Granted);
        await budget.SettleAsync(settled.ReservationId!, 250_000);
        var before = await budget.GetStatusAsync();
        await AssertHostedOnAsync(budget, doomed.SiloAddress);
        Assert.Equal(400_000, before.ReservedMicros);

        await _cluster.Cluster.KillSiloAsync(doomed, TestContext.Current.CancellationToken);

        // The budget comes back on the survivor from the ledger: what was settled stays spent, the dead memory's holds
        // are gone, and what the dead activation's lease may have spent unseen (the open reservation at least) is
        // withheld, so nothing is granted past the cap.
        var after = await budget.GetStatusAsync();
        Assert.Equal(before.SpentMicros, after.SpentMicros);
        Assert.Equal(0, after.ReservedMicros);
        Assert.True(after.WithheldMicros >= 400_000, $"withheld {after.WithheldMicros}, less than the open reservation");
        Assert.Equal(Cap - after.SpentMicros - after.WithheldMicros, after.RemainingMicros);
        await Assert.ThrowsAnyAsync<ArgumentException>(() => budget.SettleAsync(open.ReservationId!, 400_000));
        var tooMuch = await budget.ReserveAsync(new ReservationRequest(after.RemainingMicros + 1, "model call"));
        Assert.False(tooMuch.Granted);

        // The run resumes on the survivor once a human approves, and finishes.
        await grains.GetGrain<IApprovalGrain>(workspace).ApproveAsync(approvalId, new ApprovalDecider(PlatformCluster.Owner, [WorkspaceRole.Approver, WorkspaceRole.Owner]), "ok");
        var finished = await RunPolling.WaitForStatusAsync(grains, runKey, RunStatus.Completed, TimeSpan.FromSeconds(60));
        Assert.Contains(finished.Events, e => e.Kind.StartsWith("tool.", StringComparison.Ordinal));
        await AssertHostedOnAsync(run, _cluster.Cluster.Silos[0].SiloAddress);

        var final = await budget.GetStatusAsync();
        var ledger = await budget.GetLedgerAsync(0, 1000);
        Assert.True(
            final.SpentMicros + final.ReservedMicros + final.WithheldMicros <= Cap,
            $"spent {final.SpentMicros} + reserved {final.ReservedMicros} + withheld {final.WithheldMicros} exceeds the cap {Cap}");
        Assert.Equal(final.SpentMicros, ledger.Entries.Where(e => e.Period == final.Period).Sum(e => e.AmountMicros));
        Assert.Single(ledger.Entries, e => e.ReservationId == settled.ReservationId);
        Assert.DoesNotContain(ledger.Entries, e => e.ReservationId == open.ReservationId);
    }

    private async Task<T> OnDoomedSiloAsync<T>(Func<Task<T>> create, Func<T, IAddressable> grain, SiloAddress silo)
    {
        var management = _cluster.Grains.GetGrain<IManagementGrain>(0);
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var made = await create();
            if (Equals(await management.GetActivationAddress(grain(made)), silo))
            {
                return made;
            }
        }

        Assert.Fail("Placement never chose the silo to kill in 20 attempts.");
        return default!;
    }

    private async Task AssertHostedOnAsync(IAddressable grain, SiloAddress silo)
    {
        var management = _cluster.Grains.GetGrain<IManagementGrain>(0);
        Assert.Equal(silo, await management.GetActivationAddress(grain));
    }
}
