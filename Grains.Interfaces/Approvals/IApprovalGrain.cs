using System.Collections.Immutable;

namespace Platform.Grains.Interfaces.Approvals;

/// <summary>
/// A workspace's approvals (key: workspace id). A pending approval is bound to the hash of the exact payload; a
/// decision happens exactly once (the grain's turn makes pending → decided a single transition); only a member with the
/// approver role decides, and under four eyes not the member who started the run. Expiry counts as denied.
/// </summary>
[Alias("platform.IApprovalGrain")]
public interface IApprovalGrain : IGrainWithStringKey
{
    /// <summary>Records a pending approval and notifies approvers; the same run, tool and payload yields the same approval.</summary>
    Task<ApprovalView> RequestAsync(ApprovalRequest request);

    /// <summary>Approves; <see cref="ApprovalConflictException"/> if already decided, <see cref="ApprovalForbiddenException"/> if this decider may not.</summary>
    Task<ApprovalView> ApproveAsync(string approvalId, ApprovalDecider decider, string? comment);

    /// <summary>Denies, with the same rules as <see cref="ApproveAsync"/>.</summary>
    Task<ApprovalView> DenyAsync(string approvalId, ApprovalDecider decider, string? comment);

    /// <summary>
    /// Withdraws every pending approval of <paramref name="runId"/>, which ended without them (it was cancelled): each
    /// becomes <see cref="ApprovalState.Withdrawn"/> with <paramref name="reason"/>, and a later decision is an
    /// <see cref="ApprovalConflictException"/> that says so. Answers the approvals withdrawn; none when nothing was pending.
    /// </summary>
    Task<ImmutableArray<ApprovalView>> WithdrawRunAsync(string runId, string reason);

    /// <summary>One approval (expired ones show as <see cref="ApprovalState.Expired"/>).</summary>
    [AlwaysInterleave]
    Task<ApprovalView> GetAsync(string approvalId);

    /// <summary>Approvals, newest first, optionally in one state.</summary>
    Task<ImmutableArray<ApprovalView>> ListAsync(ApprovalState? state, int limit);
}
