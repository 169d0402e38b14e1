using Microsoft.Extensions.Logging;

namespace Platform.Silo.Storage;

/// <summary>The storage providers' log messages. Locations are paths or host:port/database, never connection strings.</summary>
internal static partial class StorageLog
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "{Provider} storage ready at {Location}")]
    public static partial void StorageReady(this ILogger logger, string provider, string location);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "{Provider} storage at {Location} is unavailable: {Reason}")]
    public static partial void StorageUnavailable(this ILogger logger, string provider, string location, string reason);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "{Provider} write batch of {Count} failed; applying its writes one by one")]
    public static partial void BatchFailed(this ILogger logger, string provider, int count, Exception exception);
}
