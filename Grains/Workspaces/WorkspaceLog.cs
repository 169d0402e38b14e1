using Microsoft.Extensions.Logging;

namespace Platform.Grains.Workspaces;

/// <summary>Workspace log messages: ids only.</summary>
internal static partial class WorkspaceLog
{
    [LoggerMessage(EventId = 4801, Level = LogLevel.Warning, Message = "Workspace {WorkspaceId}: updating the workspace registry failed; the next activation tries again")]
    public static partial void RegistryUpdateFailed(ILogger logger, string workspaceId, Exception exception);

    [LoggerMessage(EventId = 4802, Level = LogLevel.Warning, Message = "Workspace {WorkspaceId}: telling the other silos to forget its key checks failed; what they remember expires within Platform:KeyCache:Lifetime")]
    public static partial void ForgetOnOtherSilosFailed(ILogger logger, string workspaceId, Exception exception);
}
