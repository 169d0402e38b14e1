namespace Platform.Grains.Approvals;

/// <summary>
/// What an approval grain persists: every pending approval (at most <see cref="ApprovalRules.MaxPending"/>) and the
/// newest <see cref="ApprovalRules.MaxDecided"/> decided ones; older decisions are dropped (their record stays in the
/// workspace's audit log). Bounded because the whole state is rewritten on every decision.
/// </summary>
public sealed class ApprovalGrainState
{
    public long LastSequence { get; set; }

    public Dictionary<string, StoredApproval> Approvals { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Events announcing changes of this state that the bus has not confirmed yet.</summary>
    public List<Events.OutboxEntry> Outbox { get; set; } = [];
}
