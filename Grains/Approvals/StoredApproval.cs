using Platform.Grains.Interfaces.Approvals;

namespace Platform.Grains.Approvals;

/// <summary>One approval as stored: its view and the order it was requested in (ties in time stay ordered).</summary>
public sealed class StoredApproval
{
    public long Sequence { get; set; }

    public required ApprovalView View { get; set; }
}
