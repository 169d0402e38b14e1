using System.Text.Json;

using Platform.Grains.Interfaces.Approvals;
using Platform.Grains.Interfaces.Audit;
using Platform.Grains.Interfaces.Budget;
using Platform.Grains.Interfaces.Runs;
using Platform.Grains.Interfaces.Workspaces;
using Platform.Grains.Runs;
using Platform.Grains.Workspaces;
using Platform.Silo.Isolation;

namespace Platform.Security.Tests.Contracts;

/// <summary>
/// The runtime's tenant filter (Silo/Isolation/TenantCallFilter.cs with Grains/Isolation/WorkspaceTenantIsolation.cs)
/// on a two-silo cluster: a client acting for workspace B, or for none, cannot reach workspace A's grains; the
/// operator can; a grain of B cannot call into A; grains of no tenant can; every refusal is in A's audit log without B.
/// </summary>
public sealed class TenantCallFilterTests(ContractClusterFixture fixture) : IClassFixture<ContractClusterFixture>
{
    private static readonly string[] s_targets = ["workspace", "budget", "audit", "run"];

    private IGrainFactory Grains => fixture.Cluster.Grains;

    [Fact]
    public async Task Client_acting_for_another_workspace_or_none_is_refused_and_the_operator_is_let_in()
    {
        var (a, runKey) = await WorkspaceWithRunAsync();
        var b = await PlatformCluster.WorkspaceAsync(Grains);

        try
        {
            TenantContext.Set(b);
            foreach (var target in s_targets)
            {
                await Assert.ThrowsAsync<TenantIsolationException>(() => CallAsync(a, target, runKey));
            }

            // Empty, so the test client's filter does not stamp the target's workspace: a call that names no tenant.
            RequestContext.Set(TenantContext.Key, "");
            foreach (var target in s_targets)
            {
                await Assert.ThrowsAsync<TenantIsolationException>(() => CallAsync(a, target, runKey));
            }

            TenantContext.SetOperator();
            foreach (var target in s_targets)
            {
                await CallAsync(a, target, runKey);
            }

            // A grain of no tenant (the installation's registry) is reachable whoever the client acts for.
            TenantContext.Set(b);
            await Grains.GetGrain<IWorkspaceRegistryGrain>(WorkspaceRegistryGrain.Key).ListAsync(null, 10);
        }
        finally
        {
            TenantContext.Clear();
        }

        await AssertRefusalsAuditedAsync(a, b, atLeast: 8);
    }

    [Fact]
    public async Task Grain_of_another_workspace_is_refused_and_a_grain_of_no_tenant_passes()
    {
        var (a, runKey) = await WorkspaceWithRunAsync();
        var b = await PlatformCluster.WorkspaceAsync(Grains);
        var grainOfB = Grains.GetGrain<IContractProbeGrain>($"{b}/probe");
        var grainOfNone = Grains.GetGrain<IContractProbeGrain>("probe-system");

        foreach (var target in s_targets)
        {
            await Assert.ThrowsAsync<TenantIsolationException>(() => grainOfB.CallAsync(a, target, runKey));
            await grainOfNone.CallAsync(a, target, runKey);
        }

        // Even when the client claims workspace A for the call: between grains the caller's own key decides.
        try
        {
            TenantContext.Set(a);
            await Assert.ThrowsAsync<TenantIsolationException>(() => Grains.GetGrain<IContractProbeGrain>($"{b}/probe2").CallAsync(a, "workspace", null));
        }
        finally
        {
            TenantContext.Clear();
        }

        await AssertRefusalsAuditedAsync(a, b, atLeast: 4);
    }

    [Fact]
    public async Task Reminder_tick_into_a_workspace_grain_passes_the_filter()
    {
        var workspace = await PlatformCluster.WorkspaceAsync(Grains);
        await Grains.GetGrain<IWorkspaceGrain>(workspace).UpdateAsync(new WorkspacePatch(ApprovalExpiry: TimeSpan.FromMinutes(1)), "test");
        var runKey = RunIds.GrainKey(workspace, RunIds.NewRunId());
        await Grains.GetGrain<IAgentRunGrain>(runKey).StartAsync(new StartRun("email bob@example.test that the report is late", PlatformCluster.Owner, null));
        var approvalId = (await RunPolling.WaitForStatusAsync(Grains, runKey, RunStatus.WaitingForApproval)).PendingApprovalId!;
        var approvals = Grains.GetGrain<IApprovalGrain>(workspace);

        // Nothing but a reminder tick (the approval's expiry, or the run's resume; Orleans' reminder service names no
        // tenant) wakes the run now. The reminder service loads its table on real time: the fake clock is moved on
        // until the run has finished, bounded.
        var run = Grains.GetGrain<IAgentRunGrain>(runKey);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while ((await run.GetAsync()).Status != RunStatus.Completed && DateTime.UtcNow < deadline)
        {
            fixture.Cluster.Time.Advance(TimeSpan.FromMinutes(1));
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        Assert.Equal(RunStatus.Completed, (await run.GetAsync()).Status);
        Assert.Equal(ApprovalState.Expired, (await approvals.GetAsync(approvalId)).State);
    }

    private Task CallAsync(string workspace, string target, string runKey) => target switch
    {
        "workspace" => Grains.GetGrain<IWorkspaceGrain>(workspace).GetAsync(),
        "budget" => Grains.GetGrain<IBudgetGrain>(workspace).GetStatusAsync(),
        "audit" => Grains.GetGrain<IAuditLogGrain>(workspace).ReadAsync(0, 10),
        _ => Grains.GetGrain<IAgentRunGrain>(runKey).GetAsync(),
    };

    private async Task<(string Workspace, string RunKey)> WorkspaceWithRunAsync()
    {
        var workspace = await PlatformCluster.WorkspaceAsync(Grains);
        var runKey = RunIds.GrainKey(workspace, RunIds.NewRunId());
        await Grains.GetGrain<IAgentRunGrain>(runKey).StartAsync(new StartRun("what are my notes", PlatformCluster.Owner, null));
        return (workspace, runKey);
    }

    /// <summary>The refusals are appended without waiting (the refusing grain may be the audit log): polled, bounded.</summary>
    private async Task AssertRefusalsAuditedAsync(string a, string b, int atLeast)
    {
        var log = Grains.GetGrain<IAuditLogGrain>(a);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        AuditPage page;
        do
        {
            page = await log.ReadAsync(0, 1000, "isolation.");
            if (page.Entries.Length >= atLeast)
            {
                break;
            }

            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
        while (DateTime.UtcNow < deadline);

        Assert.True(page.Entries.Length >= atLeast, $"{page.Entries.Length} isolation entries in the audit log, expected {atLeast}");
        Assert.All(page.Entries, e => Assert.Equal("isolation.refused", e.Kind));
        Assert.DoesNotContain(b, JsonSerializer.Serialize(page), StringComparison.Ordinal);
        Assert.True((await log.VerifyAsync()).Valid, "the audit chain must stay intact");
    }
}
