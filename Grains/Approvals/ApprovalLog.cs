using Microsoft.Extensions.Logging;

namespace Platform.Grains.Approvals;

/// <summary>Approval log messages: ids, tools, states and hashes only, never arguments (they may hold personal data).</summary>
internal static partial class ApprovalLog
{
    [LoggerMessage(EventId = 5101, Level = LogLevel.Information, Message = "Workspace {WorkspaceId}: approval {ApprovalId} requested by run {RunId} for {Tool} (payload {PayloadHash})")]
    public static partial void Requested(ILogger logger, string workspaceId, string approvalId, string runId, string tool, string payloadHash);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Information, Message = "Workspace {WorkspaceId}: approval {ApprovalId} {State} by {DecidedBy}")]
    public static partial void Decided(ILogger logger, string workspaceId, string approvalId, string state, string decidedBy);

    [LoggerMessage(EventId = 5104, Level = LogLevel.Warning, Message = "Workspace {WorkspaceId}: notifying the run of approval {ApprovalId} failed; the decision stands")]
    public static partial void NotifyFailed(ILogger logger, string workspaceId, string approvalId, Exception exception);
}
