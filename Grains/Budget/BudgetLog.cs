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
}
