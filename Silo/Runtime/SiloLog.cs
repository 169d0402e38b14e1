using Microsoft.Extensions.Logging;

namespace Platform.Silo.Runtime;

/// <summary>The runtime's log messages. Grain ids are logged; arguments, results and state never are (they may hold secrets).</summary>
internal sealed partial class SiloLog(ILogger<SiloRuntime> logger)
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "Activation of grain {GrainId} failed")]
    public partial void ActivationFailed(GrainId grainId, Exception exception);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "Deactivation of grain {GrainId} ({Reason}) failed or timed out")]
    public partial void DeactivationFailed(GrainId grainId, DeactivationReason reason, Exception exception);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Error, Message = "A work item of grain {GrainId} threw")]
    public partial void WorkItemFailed(GrainId grainId, Exception exception);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information, Message = "Collected {Count} idle activations")]
    public partial void Collected(int count);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Information, Message = "Silo stopping: deactivating {Count} activations")]
    public partial void Stopping(int count);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Warning, Message = "Silo shutdown timed out after {Timeout}; {Remaining} activations did not deactivate")]
    public partial void ShutdownTimedOut(TimeSpan timeout, int remaining);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Warning, Message = "Reminder {ReminderName} of grain {GrainId} failed; retrying at {RetryAt}")]
    public partial void ReminderFailed(GrainId grainId, string reminderName, DateTimeOffset retryAt, Exception exception);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Information, Message = "Silo started with {GrainTypes} grain types and {Reminders} reminders")]
    public partial void Started(int grainTypes, int reminders);

    [LoggerMessage(EventId = 1009, Level = LogLevel.Warning, Message = "Reminder {ReminderName} of grain {GrainId} names grain type that is no longer registered; it is left in storage")]
    public partial void ReminderOrphaned(GrainId grainId, string reminderName);
}
