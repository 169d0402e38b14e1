using Platform.Grains.Interfaces.Audit;
using Platform.Grains.Interfaces.Budget;
using Platform.Grains.Interfaces.Runs;
using Platform.Grains.Interfaces.Workspaces;

namespace Platform.Security.Tests.Contracts;

[GrainType("test-contract-probe")]
public sealed class ContractProbeGrain : Grain, IContractProbeGrain
{
    public Task ThrowAsync(string kind) => throw ContractExceptions.Create(kind);

    public Task CallAsync(string workspaceId, string target, string? runKey) => target switch
    {
        "workspace" => GrainFactory.GetGrain<IWorkspaceGrain>(workspaceId).GetAsync(),
        "budget" => GrainFactory.GetGrain<IBudgetGrain>(workspaceId).GetStatusAsync(),
        "audit" => GrainFactory.GetGrain<IAuditLogGrain>(workspaceId).ReadAsync(0, 10),
        "run" => GrainFactory.GetGrain<IAgentRunGrain>(runKey ?? throw new ArgumentNullException(nameof(runKey))).GetAsync(),
        _ => throw new ArgumentOutOfRangeException(nameof(target), target, "workspace, budget, audit or run"),
    };
}
