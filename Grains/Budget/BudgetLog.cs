using Microsoft.Extensions.Logging;

namespace Platform.Grains.Budget;

/// <summary>Budget log messages: ids and amounts only.</summary>
internal static partial class BudgetLog
{
    [LoggerMessage(EventId = 4301, Level = LogLevel.Warning, Message = "Workspace {WorkspaceId}: reservation {ReservationId} of {AmountMicros} micro-dollars ({Purpose}) expired unsettled and was released")]
    public static partial void ReservationExpired(ILogger logger, string workspaceId, string reservationId, long amountMicros, string purpose);

    [LoggerMessage(EventId = 4302, Level = LogLevel.Information, Message = "Workspace {WorkspaceId}: applied {Count} ledger entries beyond the checkpoint (up to {LastSequence})")]
    public static partial void LedgerReplayed(ILogger logger, string workspaceId, int count, long lastSequence);

    [LoggerMessage(EventId = 4303, Level = LogLevel.Warning, Message = "Workspace {WorkspaceId}: announcing budget threshold {Percent} % of {Period} failed; retried on the next call")]
    public static partial void AnnouncementFailed(ILogger logger, string workspaceId, int percent, string period, Exception exception);

    [LoggerMessage(EventId = 4304, Level = LogLevel.Warning, Message = "Workspace {WorkspaceId}: budget checkpoint failed; the next activation replays the ledger")]
    public static partial void CheckpointFailed(ILogger logger, string workspaceId, Exception exception);

    [LoggerMessage(EventId = 4305, Level = LogLevel.Warning, Message = "Workspace {WorkspaceId}: reservation {ReservationId} settled {AmountMicros} micro-dollars after it had expired")]
    public static partial void SettledAfterExpiry(ILogger logger, string workspaceId, string reservationId, long amountMicros);

    [LoggerMessage(EventId = 4306, Level = LogLevel.Error, Message = "Workspace {WorkspaceId}: writing {Count} ledger entries failed; deactivating with the budget lease open, so the next activation replays the ledger and withholds the rest")]
    public static partial void LedgerWriteFailed(ILogger logger, string workspaceId, int count, Exception exception);

    [LoggerMessage(EventId = 4311, Level = LogLevel.Warning, Message = "Workspace {WorkspaceId}: writing {Count} ledger entries found storage unavailable; trying the same write again in {Delay}")]
    public static partial void LedgerWriteRetried(ILogger logger, string workspaceId, int count, TimeSpan delay, Exception exception);

    [LoggerMessage(EventId = 4307, Level = LogLevel.Debug, Message = "Workspace {WorkspaceId}: budget lease extended to {LeaseMicros} micro-dollars beyond ledger sequence {BaseSequence}")]
    public static partial void LeaseExtended(ILogger logger, string workspaceId, long leaseMicros, long baseSequence);

    [LoggerMessage(EventId = 4308, Level = LogLevel.Warning, Message = "Workspace {WorkspaceId}: found a budget lease of {LeaseMicros} micro-dollars left open, {WrittenMicros} of it in the ledger; withheld {WithheldMicros} micro-dollars of {Period}")]
    public static partial void LeaseWithheld(ILogger logger, string workspaceId, long leaseMicros, long writtenMicros, long withheldMicros, string period);

    [LoggerMessage(EventId = 4309, Level = LogLevel.Warning, Message = "Workspace {WorkspaceId}: auditing {WithheldMicros} micro-dollars withheld for an open lease failed; the amount stays withheld")]
    public static partial void LeaseWithheldAuditFailed(ILogger logger, string workspaceId, long withheldMicros, Exception exception);

    [LoggerMessage(EventId = 4310, Level = LogLevel.Error, Message = "Workspace {WorkspaceId}: the audit entry ({Kind}) sent with a settle could not be appended")]
    public static partial void CallAuditFailed(ILogger logger, string workspaceId, string kind, Exception exception);
}
