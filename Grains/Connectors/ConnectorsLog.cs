using Microsoft.Extensions.Logging;

namespace Platform.Grains.Connectors;

/// <summary>Connector log messages: provider, operation, failure kind and HTTP status only; never tokens, arguments or bodies.</summary>
internal static partial class ConnectorsLog
{
    [LoggerMessage(EventId = 4761, Level = LogLevel.Warning, Message = "{Provider} {Operation} failed: {Kind} (HTTP {Status}, code {Code})")]
    public static partial void CallFailed(ILogger logger, string provider, string operation, ConnectorFailure kind, int status, string code);
}
