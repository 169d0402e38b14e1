namespace Platform.Gateway.Proxy;

/// <summary>Proxy log messages: workspace ids, statuses and counts, never content or keys.</summary>
internal static partial class ProxyLog
{
    [LoggerMessage(EventId = 6101, Level = LogLevel.Warning, Message = "Workspace {WorkspaceId}: the model provider answered HTTP {Status}; nothing charged")]
    public static partial void UpstreamRefused(ILogger logger, string workspaceId, int status);

    [LoggerMessage(EventId = 6102, Level = LogLevel.Warning, Message = "Workspace {WorkspaceId}: the model provider could not be reached (timed out: {TimedOut}); nothing charged")]
    public static partial void UpstreamUnreachable(ILogger logger, string workspaceId, bool timedOut, Exception exception);

    [LoggerMessage(EventId = 6103, Level = LogLevel.Warning, Message = "Workspace {WorkspaceId}: the provider's stream broke off after {Bytes} bytes of output")]
    public static partial void StreamBroken(ILogger logger, string workspaceId, long bytes, Exception exception);

    [LoggerMessage(EventId = 6104, Level = LogLevel.Error, Message = "Workspace {WorkspaceId}: settling a proxy call of {ChargeMicros} micro-dollars failed; the budget's lease covers it")]
    public static partial void SettleFailed(ILogger logger, string workspaceId, long chargeMicros, Exception exception);

    [LoggerMessage(EventId = 6105, Level = LogLevel.Error, Message = "Workspace {WorkspaceId}: auditing a proxy call failed")]
    public static partial void AuditFailed(ILogger logger, string workspaceId, Exception exception);
}
