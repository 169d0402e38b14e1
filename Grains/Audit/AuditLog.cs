using Microsoft.Extensions.Logging;

namespace Platform.Grains.Audit;

/// <summary>Audit log messages: workspace ids, sequences and counts only, never an entry's content (it may be sensitive).</summary>
internal static partial class AuditLog
{
    [LoggerMessage(EventId = 4401, Level = LogLevel.Error, Message = "Workspace {WorkspaceId}: writing audit entries {FirstSequence} to {LastSequence} ({Count} entries) failed; those not already stored are lost and the log reloads its tip from storage")]
    public static partial void FlushFailed(ILogger logger, string workspaceId, long firstSequence, long lastSequence, int count, Exception exception);
}
