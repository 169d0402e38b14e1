using Microsoft.Extensions.Logging;

namespace Platform.Grains.Events;

internal static partial class OutboxLog
{
    [LoggerMessage(EventId = 4901, Level = LogLevel.Warning, Message = "Grain {Grain}: publishing {EventType} {EventId} failed; it stays in the outbox and is retried in {RetryIn}")]
    public static partial void PublishFailed(ILogger logger, string grain, string eventType, Guid eventId, TimeSpan retryIn, Exception exception);

    [LoggerMessage(EventId = 4902, Level = LogLevel.Error, Message = "Grain {Grain}: outbox entry {EventId} names {EventType}, which this build does not publish; it is dropped")]
    public static partial void UnknownEventType(ILogger logger, string grain, string eventType, Guid eventId);

    [LoggerMessage(EventId = 4903, Level = LogLevel.Warning, Message = "Grain {Grain}: reporting published events back failed; they are published again later and consumers drop the repeats")]
    public static partial void AcknowledgeFailed(ILogger logger, string grain, Exception exception);

    [LoggerMessage(EventId = 4904, Level = LogLevel.Information, Message = "Grain {Grain}: published {Count} outbox event(s) that had waited since {OldestRecordedAt}")]
    public static partial void PublishedLate(ILogger logger, string grain, int count, DateTimeOffset oldestRecordedAt);
}
