using Microsoft.Extensions.Logging;

namespace Platform.Grains.Egress;

/// <summary>Egress log messages: host, port and reason only, never a path, query or body.</summary>
internal static partial class EgressLog
{
    [LoggerMessage(EventId = 4701, Level = LogLevel.Warning, Message = "Outbound connection to {Host}:{Port} refused: the address is {Reason}")]
    public static partial void Refused(ILogger logger, string host, int port, string reason);
}
