using Microsoft.Extensions.Logging;
using Platform.Grains.Approvals;
using Platform.Grains.Interfaces.Approvals;
using Platform.Grains.Interfaces.Runs;
using Platform.Silo.Isolation;

namespace Platform.Grains.Runs;

/// <summary>
/// Wakes the run an approval belongs to as soon as it is decided. Fire-and-forget, off the approval grain's turn and
/// call chain: a run's next step can take as long as a model call, and the approver must not wait for it. If the wake-up
/// is lost (a crash), the run's resume reminder finds the decision anyway.
/// </summary>
public sealed partial class RunApprovalNotifier(IGrainFactory grains, ILogger<RunApprovalNotifier> logger) : IApprovalNotifier
{
    public Task DecidedAsync(string workspaceId, ApprovalView approval)
    {
        ArgumentNullException.ThrowIfNull(approval);
        if (!RunIds.IsValid(approval.RunId))
        {
            return Task.CompletedTask;
        }

        var run = grains.GetGrain<IAgentRunGrain>(RunIds.GrainKey(workspaceId, approval.RunId));
        TenantContext.RunDetached(workspaceId, async () =>
        {
            try
            {
                await run.ContinueAsync();
            }
            catch (Exception exception)
            {
                LogWakeFailed(logger, approval.RunId, exception);
            }
        });

        return Task.CompletedTask;
    }

    [LoggerMessage(EventId = 3101, Level = LogLevel.Warning, Message = "Waking run {RunId} after its approval was decided failed; its reminder will retry")]
    private static partial void LogWakeFailed(ILogger logger, string runId, Exception exception);
}
