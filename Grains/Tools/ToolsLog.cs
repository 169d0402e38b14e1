using Microsoft.Extensions.Logging;

namespace Platform.Grains.Tools;

/// <summary>Tool log messages: ids, tool names and outcomes only, never arguments, results or recipients.</summary>
internal static partial class ToolsLog
{
    [LoggerMessage(EventId = 4501, Level = LogLevel.Information, Message = "Workspace {WorkspaceId} run {RunId}: tool {Tool} succeeded")]
    public static partial void ToolSucceeded(ILogger logger, string workspaceId, string runId, string tool);

    [LoggerMessage(EventId = 4502, Level = LogLevel.Warning, Message = "Workspace {WorkspaceId} run {RunId}: tool {Tool} refused: {Reason}")]
    public static partial void ToolRefused(ILogger logger, string workspaceId, string runId, string tool, string reason);

    [LoggerMessage(EventId = 4503, Level = LogLevel.Warning, Message = "Workspace {WorkspaceId} run {RunId}: tool {Tool} failed with {ErrorType}")]
    public static partial void ToolFailed(ILogger logger, string workspaceId, string runId, string tool, string errorType);
}
