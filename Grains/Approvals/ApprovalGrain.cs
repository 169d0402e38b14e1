using System.Collections.Immutable;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Platform.Grains.Events;
using Platform.Grains.Interfaces.Approvals;
using Platform.Grains.Interfaces.Audit;
using Platform.Grains.Interfaces.Events;
using Platform.Grains.Interfaces.Workspaces;
using Platform.Grains.Security;
using Platform.Grains.Diagnostics;

namespace Platform.Grains.Approvals;

/// <summary>
/// A workspace's approvals (key: workspace id). The grain's turn makes pending → decided one transition: the first
/// decision is written before anything else sees it, every later one finds it decided. On PostgreSQL the state's ETag
/// keeps that true even if two silos activated the same workspace. Expiry is applied lazily on every call and by a
/// durable reminder, so a run waiting on an approval nobody answers is told it counts as denied.
/// </summary>
// Pinned: stored rows and reminders are keyed by the grain type name, so a class rename must not change it.
[GrainType("approval")]
public sealed class ApprovalGrain(
    [PersistentState("approvals")] IPersistentState<ApprovalGrainState> approvals,
    TimeProvider time,
    IPlatformEvents events,
    IApprovalNotifier notifier,
    PlatformMetrics metrics,
    ILogger<ApprovalGrain> logger) : StringKeyedGrain, IApprovalGrain, IEventOutboxGrain, IRemindable
{
    private const string ExpiryReminder = "approval-expiry";
    private const string ExpiryActor = "system:expiry";
    private static readonly TimeSpan s_expiryRetryPeriod = TimeSpan.FromMinutes(1);

    private EventOutbox? _outbox;

    private ApprovalGrainState State => approvals.State;

    private EventOutbox Outbox => _outbox ??= new EventOutbox(this, PrimaryKey, () => State.Outbox, () => approvals.WriteStateAsync(), events, time, logger);

    private const string ArgumentsPurpose = "approval.arguments";

    /// <summary>Opens the sealed arguments of every kept approval, so views show exactly what was asked.</summary>
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        foreach (var stored in State.Approvals.Values.Where(static a => a.SealedArguments.Length > 0))
        {
            stored.View = stored.View with { CanonicalArguments = await SealedJson.OpenAsync<string>(GrainFactory, PrimaryKey, ArgumentsPurpose, stored.SealedArguments) };
        }

        Outbox.Resume();
    }

    public Task AcknowledgeEventsAsync(ImmutableArray<Guid> published, bool failed) => Outbox.AcknowledgeAsync(published, failed);

    public async Task<ApprovalView> RequestAsync(ApprovalRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var workspace = await GrainFactory.GetGrain<IWorkspaceGrain>(PrimaryKey).GetAsync();
        ApprovalRules.Validate(request, workspace.Policy);
        await ExpireDueAsync();

        var hash = ApprovalHash.Compute(PrimaryKey, request.RunId, request.Tool, request.CanonicalArguments, request.PolicyVersion);
        var existing = State.Approvals.Values.FirstOrDefault(a => a.View.State == ApprovalState.Pending && a.View.PayloadHash == hash);
        if (existing is not null)
        {
            // The run retried (a restart, a lost reply): one payload never needs two approvals at once.
            return existing.View;
        }

        if (State.Approvals.Values.Count(static a => a.View.State == ApprovalState.Pending) >= ApprovalRules.MaxPending)
        {
            throw new ApprovalConflictException($"The workspace has {ApprovalRules.MaxPending} pending approvals; decide some or let them expire first.");
        }

        var now = time.GetUtcNow();
        var view = new ApprovalView(
            ApprovalRules.NewId(),
            request.RunId,
            request.Tool,
            request.ToolClass,
            request.CanonicalArguments,
            request.RequesterUserId,
            request.Reason,
            request.Affects.IsDefault ? [] : request.Affects,
            hash,
            request.PolicyVersion,
            ApprovalState.Pending,
            now,
            now + workspace.Policy.ApprovalExpiry,
            null,
            null,
            null);
        var earliestBefore = EarliestPendingExpiry();
        State.Approvals[view.ApprovalId] = new StoredApproval
        {
            Sequence = ++State.LastSequence,
            View = view,
            SealedArguments = await SealedJson.SealAsync(GrainFactory, PrimaryKey, ArgumentsPurpose, request.CanonicalArguments),
        };
        await WriteAnnouncingAsync([new ApprovalRequested(PrimaryKey, view.ApprovalId, view.RunId, view.Tool, view.ToolClass, view.PayloadHash, view.RequesterUserId, view.RequestedAt, view.ExpiresAt)]);
        if (earliestBefore is null || view.ExpiresAt < earliestBefore)
        {
            await ScheduleExpiryAsync(view.ExpiresAt);
        }

        await AuditAsync("approval.requested", $"run:{view.RunId}", $"Run {view.RunId} asks to use {view.Tool}", view);
        ApprovalLog.Requested(logger, PrimaryKey, view.ApprovalId, view.RunId, view.Tool, view.PayloadHash);
        metrics.ApprovalRequested(PrimaryKey);
        Outbox.Publish();
        return view;
    }

    public Task<ApprovalView> ApproveAsync(string approvalId, ApprovalDecider decider, string? comment) =>
        DecideAsync(approvalId, decider, comment, ApprovalState.Approved);

    public Task<ApprovalView> DenyAsync(string approvalId, ApprovalDecider decider, string? comment) =>
        DecideAsync(approvalId, decider, comment, ApprovalState.Denied);

    public async Task<ImmutableArray<ApprovalView>> WithdrawRunAsync(string runId, string reason)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        ArgumentException.ThrowIfNullOrEmpty(reason);
        await ExpireDueAsync();
        var now = time.GetUtcNow();
        var pending = State.Approvals.Values.Where(a => a.View.State == ApprovalState.Pending && string.Equals(a.View.RunId, runId, StringComparison.Ordinal)).ToList();
        if (pending.Count == 0)
        {
            return [];
        }

        foreach (var stored in pending)
        {
            stored.View = stored.View with { State = ApprovalState.Withdrawn, DecidedAt = now, Comment = reason };
        }

        TrimDecided();
        await WriteAnnouncingAsync(pending.Select(a => Decided(a.View)));
        foreach (var stored in pending)
        {
            // Audited, published and told to bridges like a decision, so an approver's button goes away too.
            await AfterDecisionAsync(stored.View, $"run:{runId}");
        }

        return [.. pending.Select(static a => a.View)];
    }

    public Task<ApprovalView> GetAsync(string approvalId)
    {
        // Interleaves with other calls, so it only reads: expiry is shown here, made durable by the next turn that writes.
        // Failures go into the task rather than being thrown synchronously, which the runtime's proxy mistypes.
        try
        {
            var stored = Find(approvalId);
            return Task.FromResult(Shown(stored.View, time.GetUtcNow()));
        }
        catch (WorkspaceNotFoundException exception)
        {
            return Task.FromException<ApprovalView>(exception);
        }
    }

    public Task<ImmutableArray<ApprovalView>> ListAsync(ApprovalState? state, int limit)
    {
        try
        {
            return Task.FromResult(List(state, limit));
        }
        catch (ArgumentException exception)
        {
            // Into the task, as in GetAsync.
            return Task.FromException<ImmutableArray<ApprovalView>>(exception);
        }
    }

    private ImmutableArray<ApprovalView> List(ApprovalState? state, int limit)
    {
        if (limit is < 1 or > ApprovalRules.MaxDecided)
        {
            throw new ArgumentException($"limit must be between 1 and {ApprovalRules.MaxDecided}.", nameof(limit));
        }

        if (state is { } wanted && !Enum.IsDefined(wanted))
        {
            throw new ArgumentException("state is not a known approval state.", nameof(state));
        }

        var now = time.GetUtcNow();
        var list = State.Approvals.Values
            .OrderByDescending(static a => a.Sequence)
            .Select(a => Shown(a.View, now))
            .Where(v => state is null || v.State == state)
            .Take(limit)
            .ToImmutableArray();
        return list;
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == EventOutbox.ReminderName)
        {
            await Outbox.OnReminderAsync();
            return;
        }

        if (reminderName != ExpiryReminder)
        {
            return;
        }

        await ExpireDueAsync();
        if (EarliestPendingExpiry() is { } next)
        {
            await ScheduleExpiryAsync(next);
        }
        else
        {
            await this.UnregisterReminderIfAnyAsync(ExpiryReminder);
        }
    }

    private async Task<ApprovalView> DecideAsync(string approvalId, ApprovalDecider decider, string? comment, ApprovalState outcome)
    {
        ApprovalRules.ValidateDecision(decider, comment);
        var stored = Find(approvalId);

        // The roles the gateway passed come from the key; the workspace's member list is checked too, so a stale or
        // forged decider record cannot decide for someone who is not (or no longer) an approver.
        var workspace = await GrainFactory.GetGrain<IWorkspaceGrain>(PrimaryKey).GetAsync();
        var member = workspace.Members.FirstOrDefault(m => string.Equals(m.UserId, decider.UserId, StringComparison.Ordinal));
        if (!decider.Roles.Contains(WorkspaceRole.Approver) || member is null || !member.Roles.Contains(WorkspaceRole.Approver))
        {
            throw new ApprovalForbiddenException("Only a member with the approver role may decide an approval.");
        }

        await ExpireDueAsync();
        var view = stored.View;
        if (view.State == ApprovalState.Expired)
        {
            throw new ApprovalConflictException($"Approval {view.ApprovalId} expired unanswered at {Format(view.ExpiresAt)}; it counts as denied.");
        }

        if (view.State == ApprovalState.Withdrawn)
        {
            throw new ApprovalConflictException($"Approval {view.ApprovalId} was withdrawn at {Format(view.DecidedAt!.Value)} because {view.Comment}; there is nothing left to decide.");
        }

        if (view.State != ApprovalState.Pending)
        {
            throw new ApprovalConflictException($"Approval {view.ApprovalId} was already decided by {view.DecidedBy} at {Format(view.DecidedAt!.Value)} ({view.State.ToString().ToLowerInvariant()}).");
        }

        // Humans are compared, not keys: every key acts as the person who holds it, so a second key of the run's
        // starter is still the starter.
        if (workspace.Policy.FourEyes.Contains(view.ToolClass) && string.Equals(decider.UserId, view.RequesterUserId, StringComparison.Ordinal))
        {
            throw new ApprovalForbiddenException($"Four eyes: {view.ToolClass.ToString().ToLowerInvariant()} tools must be decided by someone other than {view.RequesterUserId}, who started the run (whichever of their keys is used).");
        }

        var decided = view with { State = outcome, DecidedBy = decider.UserId, DecidedAt = time.GetUtcNow(), Comment = comment, DecidedByKeyId = decider.KeyId };
        stored.View = decided;
        TrimDecided();
        await WriteAnnouncingAsync([Decided(decided)]);
        await AfterDecisionAsync(decided, $"user:{decider.UserId}");
        return decided;
    }

    /// <summary>Makes every pending approval past its expiry durably <see cref="ApprovalState.Expired"/> and tells its run.</summary>
    private async Task ExpireDueAsync()
    {
        var now = time.GetUtcNow();
        var due = State.Approvals.Values.Where(a => a.View.State == ApprovalState.Pending && a.View.ExpiresAt <= now).ToList();
        if (due.Count == 0)
        {
            return;
        }

        foreach (var stored in due)
        {
            stored.View = Expired(stored.View);
        }

        TrimDecided();
        await WriteAnnouncingAsync(due.Select(a => Decided(a.View)));
        foreach (var stored in due)
        {
            await AfterDecisionAsync(stored.View, ExpiryActor);
        }
    }

    private async Task AfterDecisionAsync(ApprovalView decided, string actor)
    {
        var state = decided.State.ToString().ToLowerInvariant();
        await AuditAsync("approval.decided", actor, $"Approval {decided.ApprovalId} for {decided.Tool}: {state}", decided);
        ApprovalLog.Decided(logger, PrimaryKey, decided.ApprovalId, state, decided.DecidedBy ?? ExpiryActor);
        metrics.ApprovalDecided(PrimaryKey, state);
        Outbox.Publish();
        try
        {
            await notifier.DecidedAsync(PrimaryKey, decided);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The decision is durable and audited; a run that missed this call still finds it with GetAsync.
            ApprovalLog.NotifyFailed(logger, PrimaryKey, decided.ApprovalId, exception);
        }
    }

    /// <summary>Writes the state with the events announcing its change in the outbox, so both are durable together.</summary>
    private async Task WriteAnnouncingAsync(IEnumerable<object> announcements)
    {
        foreach (var announcement in announcements)
        {
            Outbox.Add(announcement);
        }

        await Outbox.ArmAsync();
        await approvals.WriteStateAsync();
    }

    private ApprovalDecided Decided(ApprovalView decided) =>
        new(PrimaryKey, decided.ApprovalId, decided.RunId, decided.Tool, decided.PayloadHash, decided.State, decided.DecidedBy, decided.DecidedAt ?? decided.ExpiresAt);

    private StoredApproval Find(string approvalId)
    {
        if (!ApprovalRules.IsValidId(approvalId) || !State.Approvals.TryGetValue(approvalId, out var stored))
        {
            // Unknown and another workspace's ids look the same: this grain only ever holds its own workspace's.
            throw new WorkspaceNotFoundException("No such approval.");
        }

        return stored;
    }

    private DateTimeOffset? EarliestPendingExpiry() =>
        State.Approvals.Values.Where(static a => a.View.State == ApprovalState.Pending).Select(static a => (DateTimeOffset?)a.View.ExpiresAt).Min();

    private async Task ScheduleExpiryAsync(DateTimeOffset at)
    {
        var due = at - time.GetUtcNow();
        // Orleans' reminders are periodic: this one fires at the earliest expiry and, should that tick be lost, every
        // minute after it until ReceiveReminder finds nothing pending and removes it.
        await this.RegisterOrUpdateReminder(ExpiryReminder, due < TimeSpan.Zero ? TimeSpan.Zero : due, s_expiryRetryPeriod);
    }

    /// <summary>Drops the oldest decided approvals beyond <see cref="ApprovalRules.MaxDecided"/>; pending ones always stay.</summary>
    private void TrimDecided()
    {
        var decided = State.Approvals.Values.Where(static a => a.View.State != ApprovalState.Pending).ToList();
        if (decided.Count <= ApprovalRules.MaxDecided)
        {
            return;
        }

        foreach (var old in decided.OrderBy(static a => a.Sequence).Take(decided.Count - ApprovalRules.MaxDecided))
        {
            State.Approvals.Remove(old.View.ApprovalId);
        }
    }

    private static ApprovalView Shown(ApprovalView view, DateTimeOffset now) =>
        view.State == ApprovalState.Pending && view.ExpiresAt <= now ? Expired(view) : view;

    private static ApprovalView Expired(ApprovalView view) => view with { State = ApprovalState.Expired, DecidedAt = view.ExpiresAt };

    private static string Format(DateTimeOffset at) => at.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    private Task<AuditEntry> AuditAsync(string kind, string actor, string summary, ApprovalView view) =>
        GrainFactory.GetGrain<IAuditLogGrain>(PrimaryKey).AppendAsync(new AuditRecord(
            kind,
            actor,
            summary,
            new Dictionary<string, string>
            {
                ["approval_id"] = view.ApprovalId,
                ["run_id"] = view.RunId,
                ["tool"] = view.Tool,
                ["state"] = view.State.ToString().ToLowerInvariant(),
                ["payload_hash"] = view.PayloadHash,
                ["policy_version"] = view.PolicyVersion.ToString(CultureInfo.InvariantCulture),
                ["decided_by"] = view.DecidedBy ?? "",
                ["decided_by_key"] = view.DecidedByKeyId ?? "",
            }.ToImmutableSortedDictionary(StringComparer.Ordinal)));
}
