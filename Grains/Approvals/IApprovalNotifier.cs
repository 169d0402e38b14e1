using Platform.Grains.Interfaces.Approvals;

namespace Platform.Grains.Approvals;

/// <summary>
/// Tells the waiting run that its approval was decided or expired. A direct in-silo seam beside the bus event, so the
/// run does not depend on a consumer being subscribed; the agent-run grain implements it.
/// </summary>
public interface IApprovalNotifier
{
    /// <summary>Called once per approval of <paramref name="workspaceId"/>, after its decision (or expiry) is durable.</summary>
    Task DecidedAsync(string workspaceId, ApprovalView approval);
}
