namespace Platform.Grains.Interfaces.Events;

/// <summary>One entry of a workspace's event feed: what the bus delivered, once per event id.</summary>
/// <param name="EventId">The event's id (its message id on the bus).</param>
/// <param name="Type">The event's name: <c>approval.requested</c>, <c>approval.decided</c>, <c>budget.threshold_crossed</c>, <c>budget.exhausted</c> or <c>run.finished</c>.</param>
/// <param name="OccurredAt">When it happened.</param>
/// <param name="ReceivedAt">When the feed received it.</param>
/// <param name="Summary">One line for people: ids, states and amounts, never content.</param>
/// <param name="RunId">The run it concerns, if any.</param>
/// <param name="ApprovalId">The approval it concerns, if any.</param>
[GenerateSerializer, Immutable, Alias("platform.WorkspaceEvent")]
public sealed record WorkspaceEvent(
    Guid EventId,
    string Type,
    DateTimeOffset OccurredAt,
    DateTimeOffset ReceivedAt,
    string Summary,
    string? RunId,
    string? ApprovalId);
