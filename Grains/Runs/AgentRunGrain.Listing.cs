using Platform.Grains.Interfaces.Runs;

namespace Platform.Grains.Runs;

/// <summary>How a run keeps its entry in the workspace's run listing (<see cref="IRunIndexGrain"/>) up to date.</summary>
public sealed partial class AgentRunGrain
{
    private RunSummary? _listed;

    /// <summary>
    /// Tells the listing where the run stands, if that changed since it was last told. Called after the run's own state
    /// is written, so the listing never shows a step the run has not made durable; a crash in between is mended by the
    /// next call, at the latest the resume reminder's.
    /// </summary>
    private async Task UpdateListingAsync()
    {
        var now = time.GetUtcNow();
        var summary = new RunSummary(_runId, State.Status, State.RequesterUserId, State.CreatedAt, State.FinishedAt ?? now, State.EstimateMicros, State.SpentMicros);
        if (_listed is { } listed && listed with { UpdatedAt = summary.UpdatedAt } == summary)
        {
            return;
        }

        await GrainFactory.GetGrain<IRunIndexGrain>(_workspaceId).RecordAsync(summary);
        _listed = summary;
    }
}
