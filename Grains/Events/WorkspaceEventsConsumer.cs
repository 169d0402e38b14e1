using MassTransit;
using Microsoft.Extensions.Logging;
using Platform.Grains.Interfaces.Events;
using Platform.Grains.Runs;
using Platform.Grains.Workspaces;
using Platform.Silo.Isolation;

namespace Platform.Grains.Events;

/// <summary>
/// Takes every platform event off the bus into its workspace's feed (<see cref="IWorkspaceEventsGrain"/>), which drops
/// repeats by event id. On RabbitMQ every node consumes from one durable queue, so each event reaches one node and the
/// feed grain, wherever it lives, records it once. The event names its workspace, and the feed call acts for that
/// workspace only; an event without a valid workspace id or message id is refused (it goes to the error queue).
/// </summary>
public sealed partial class WorkspaceEventsConsumer(IGrainFactory grains, TimeProvider time, ILogger<WorkspaceEventsConsumer> logger) :
    IConsumer<ApprovalRequested>,
    IConsumer<ApprovalDecided>,
    IConsumer<BudgetThresholdCrossed>,
    IConsumer<BudgetExhausted>,
    IConsumer<RunFinished>,
    IConsumer<ConnectorRevoked>
{
    /// <summary>The queue every node consumes from.</summary>
    public const string QueueName = "platform-workspace-events";

    public Task Consume(ConsumeContext<ApprovalRequested> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var e = context.Message;
        return RecordAsync(context, e.WorkspaceId, "approval.requested", e.RequestedAt, $"Run {e.RunId} asks to use {e.Tool} ({e.ToolClass.ToString().ToLowerInvariant()}); it expires at {e.ExpiresAt:u}.", e.RunId, e.ApprovalId);
    }

    public Task Consume(ConsumeContext<ApprovalDecided> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var e = context.Message;
        var by = e.DecidedBy is null ? "" : $" by {e.DecidedBy}";
        return RecordAsync(context, e.WorkspaceId, "approval.decided", e.DecidedAt, $"Approval {e.ApprovalId} for {e.Tool}: {e.State.ToString().ToLowerInvariant()}{by}.", e.RunId, e.ApprovalId);
    }

    public Task Consume(ConsumeContext<BudgetThresholdCrossed> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var e = context.Message;
        return RecordAsync(context, e.WorkspaceId, "budget.threshold_crossed", e.At, $"Budget of {e.Period} reached {e.ThresholdPercent} %: spent {Money.Format(e.SpentMicros)} of {Money.Format(e.CapMicros)}.", null, null);
    }

    public Task Consume(ConsumeContext<BudgetExhausted> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var e = context.Message;
        return RecordAsync(context, e.WorkspaceId, "budget.exhausted", e.At, $"Out of budget for {e.Period}: {Money.Format(e.SpentMicros)} of {Money.Format(e.CapMicros)}; raise the cap to continue.", null, null);
    }

    public Task Consume(ConsumeContext<RunFinished> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var e = context.Message;
        return RecordAsync(context, e.WorkspaceId, "run.finished", e.FinishedAt, $"Run {e.RunId} {e.Outcome}; cost {Money.Format(e.CostMicros)}.", e.RunId, null);
    }

    public Task Consume(ConsumeContext<ConnectorRevoked> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var e = context.Message;
        return RecordAsync(context, e.WorkspaceId, "connector.revoked", e.RevokedAt, $"Connector {e.ConnectorId} ({e.Kind}) revoked by {e.RevokedBy}; {e.StoppedRuns} run(s) that depended on it stopped.", null, null);
    }

    private async Task RecordAsync(ConsumeContext context, string workspaceId, string type, DateTimeOffset occurredAt, string summary, string? runId, string? approvalId)
    {
        if (context.MessageId is not { } eventId || !WorkspaceIds.IsValid(workspaceId))
        {
            LogRefused(logger, type);
            throw new InvalidOperationException($"A {type} event needs a message id and a valid workspace id.");
        }

        TenantContext.Set(workspaceId);
        var recorded = await grains.GetGrain<IWorkspaceEventsGrain>(workspaceId)
            .RecordAsync(new WorkspaceEvent(eventId, type, occurredAt, time.GetUtcNow(), summary, runId, approvalId));
        if (!recorded)
        {
            LogRepeat(logger, type, eventId);
        }
    }

    [LoggerMessage(EventId = 4911, Level = LogLevel.Warning, Message = "Refused a {EventType} event without a message id or a valid workspace id")]
    private static partial void LogRefused(ILogger logger, string eventType);

    [LoggerMessage(EventId = 4912, Level = LogLevel.Debug, Message = "Dropped a repeated {EventType} event {EventId}")]
    private static partial void LogRepeat(ILogger logger, string eventType, Guid eventId);
}
