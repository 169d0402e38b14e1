using System.Collections.Immutable;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Platform.Grains.Approvals;
using Platform.Grains.Events;
using Platform.Grains.Interfaces.Approvals;
using Platform.Grains.Interfaces.Audit;
using Platform.Grains.Interfaces.Events;
using Platform.Grains.Interfaces.Workspaces;
using Platform.Grains.Security;
using Platform.Grains.Workspaces;
using Platform.Silo.Storage;
using Platform.Testing;

namespace Platform.Grains.Tests.Approvals;

/// <summary>The approval grain through the runtime against a real store, with the workspace and audit grains it uses.</summary>
public abstract class ApprovalGrainTests : IDisposable
{
    private const string Owner = "owner@acme.test";
    private const string Alice = "alice";
    private const string Bob = "bob";
    private const string Args = """{"body":"Quarterly numbers attached","to":"cfo@customer.test"}""";

    private static readonly ApprovalDecider BobDecides = new(Bob, [WorkspaceRole.Member, WorkspaceRole.Approver]);
    private static readonly ApprovalDecider AliceDecides = new(Alice, [WorkspaceRole.Member, WorkspaceRole.Approver]);

    private readonly RecordingApprovalNotifier _notifier = new();
    private readonly RecordingPlatformEvents _events = new();

    // Approval arguments are sealed with the workspace key, whose key file lives here for the test's silos.
    private readonly string _keyDirectory = Directory.CreateTempSubdirectory("approval-keys-").FullName;

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            Directory.Delete(_keyDirectory, recursive: true);
        }
    }

    /// <summary>Registers the store under test; every call within one test reaches the same data.</summary>
    protected abstract Task<Action<IServiceCollection>> StoreAsync();

    [Fact]
    public async Task Hundred_concurrent_approvals_make_one_decision_and_one_execution()
    {
        await using var silo = await StartAsync();
        var (workspace, approvals) = await WorkspaceAsync(silo);
        var pending = await approvals.RequestAsync(Request());
        var executions = 0;

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => Task.Run(
            async () =>
            {
                try
                {
                    var decided = await silo.Grains.GetGrain<IApprovalGrain>(workspace).ApproveAsync(pending.ApprovalId, BobDecides, $"click {i}");
                    if (ApprovalHash.Matches(decided, workspace, "run-1", "email.send", Args, 1))
                    {
                        Interlocked.Increment(ref executions);
                    }

                    return (Exception?)null;
                }
                catch (ApprovalConflictException conflict)
                {
                    return conflict;
                }
            },
            TestContext.Current.CancellationToken)));

        Assert.Equal(1, outcomes.Count(static o => o is null));
        Assert.All(outcomes.OfType<Exception>(), static e => Assert.Contains($"already decided by {Bob} at ", e.Message, StringComparison.Ordinal));
        Assert.Equal(1, executions);
        Assert.Single(_notifier.Notified);
        Assert.Single(await _events.WaitForAsync<ApprovalDecided>());
        Assert.Single((await silo.Grains.GetGrain<IAuditLogGrain>(workspace).ReadAsync(0, 100, "approval.decided")).Entries);
        Assert.Equal(ApprovalState.Approved, (await approvals.GetAsync(pending.ApprovalId)).State);
    }

    [Fact]
    public async Task Approve_and_deny_racing_make_one_decision()
    {
        await using var silo = await StartAsync();
        var (workspace, approvals) = await WorkspaceAsync(silo);
        var pending = await approvals.RequestAsync(Request());

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(
            async () =>
            {
                var grain = silo.Grains.GetGrain<IApprovalGrain>(workspace);
                try
                {
                    return (await (i % 2 == 0 ? grain.ApproveAsync(pending.ApprovalId, BobDecides, null) : grain.DenyAsync(pending.ApprovalId, BobDecides, null))).State;
                }
                catch (ApprovalConflictException)
                {
                    return (ApprovalState?)null;
                }
            },
            TestContext.Current.CancellationToken)));

        var winner = Assert.Single(results.OfType<ApprovalState>());
        Assert.Equal(winner, (await approvals.GetAsync(pending.ApprovalId)).State);
        Assert.Single(_notifier.Notified);
    }

    [Fact]
    public async Task Pending_past_expiry_is_expired_the_run_is_told_and_a_late_decision_is_refused()
    {
        await using var silo = await StartAsync();
        var (_, approvals) = await WorkspaceAsync(silo);
        var pending = await approvals.RequestAsync(Request());
        Assert.Equal(silo.Time.GetUtcNow().AddHours(24), pending.ExpiresAt);

        // The expiry reminder is due at the expiry on the fake clock; its tick then runs on a silo (see ReminderTicks).
        silo.Time.Advance(TimeSpan.FromHours(24) + TimeSpan.FromMinutes(5));
        var told = await ReminderTicks.AdvanceUntilAsync(silo.Time, _notifier.First, TimeSpan.FromMinutes(1));

        Assert.Equal(pending.ApprovalId, told.ApprovalId);
        Assert.Equal(ApprovalState.Expired, told.State);
        Assert.False(ApprovalHash.Matches(told, WorkspaceOf(approvals), "run-1", "email.send", Args, 1));
        Assert.Equal(ApprovalState.Expired, (await approvals.GetAsync(pending.ApprovalId)).State);
        var late = await Assert.ThrowsAsync<ApprovalConflictException>(() => approvals.ApproveAsync(pending.ApprovalId, BobDecides, null));
        Assert.Contains("expired", late.Message, StringComparison.Ordinal);
        Assert.Single(_notifier.Notified);
        Assert.Equal(ApprovalState.Expired, Assert.Single(await _events.WaitForAsync<ApprovalDecided>()).State);
    }

    [Fact]
    public async Task Expiry_follows_the_workspace_policy()
    {
        await using var silo = await StartAsync();
        var (workspace, approvals) = await WorkspaceAsync(silo);
        await silo.Grains.GetGrain<IWorkspaceGrain>(workspace).UpdateAsync(new WorkspacePatch(ApprovalExpiry: TimeSpan.FromHours(1)), "test");
        var pending = await approvals.RequestAsync(Request(policyVersion: 2));

        Assert.Equal(pending.RequestedAt.AddHours(1), pending.ExpiresAt);
        silo.Time.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal(ApprovalState.Pending, (await approvals.GetAsync(pending.ApprovalId)).State);
        silo.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(ApprovalState.Expired, (await approvals.GetAsync(pending.ApprovalId)).State);
        Assert.Equal(ApprovalState.Expired, Assert.Single(await approvals.ListAsync(ApprovalState.Expired, 10)).State);
        Assert.Empty(await approvals.ListAsync(ApprovalState.Pending, 10));
        await Assert.ThrowsAsync<ApprovalConflictException>(() => approvals.DenyAsync(pending.ApprovalId, BobDecides, null));
    }

    [Fact]
    public async Task Four_eyes_refuses_the_requester_and_lets_another_approver_decide()
    {
        await using var silo = await StartAsync();
        var (workspace, approvals) = await WorkspaceAsync(silo);
        await silo.Grains.GetGrain<IWorkspaceGrain>(workspace).UpdateAsync(new WorkspacePatch(FourEyes: [ToolClass.Send]), "test");
        var pending = await approvals.RequestAsync(Request(policyVersion: 2));

        await Assert.ThrowsAsync<ApprovalForbiddenException>(() => approvals.ApproveAsync(pending.ApprovalId, AliceDecides, null));
        await Assert.ThrowsAsync<ApprovalForbiddenException>(() => approvals.DenyAsync(pending.ApprovalId, AliceDecides, null));
        Assert.Equal(ApprovalState.Pending, (await approvals.GetAsync(pending.ApprovalId)).State);

        var decided = await approvals.ApproveAsync(pending.ApprovalId, BobDecides, "looks right");
        Assert.Equal((ApprovalState.Approved, Bob, "looks right"), (decided.State, decided.DecidedBy, decided.Comment));
    }

    [Fact]
    public async Task Without_four_eyes_for_the_class_the_requester_may_approve()
    {
        await using var silo = await StartAsync();
        var (_, approvals) = await WorkspaceAsync(silo);
        var pending = await approvals.RequestAsync(Request());

        Assert.Equal(ApprovalState.Approved, (await approvals.ApproveAsync(pending.ApprovalId, AliceDecides, null)).State);
    }

    [Fact]
    public async Task Only_a_member_who_holds_the_approver_role_decides()
    {
        await using var silo = await StartAsync();
        var (workspace, approvals) = await WorkspaceAsync(silo);
        await silo.Grains.GetGrain<IWorkspaceGrain>(workspace).PutMemberAsync("carol", "Carol", [WorkspaceRole.Member], OwnerActs);
        var pending = await approvals.RequestAsync(Request());

        // Roles as the key states them, and roles claimed by someone the workspace does not list as an approver.
        await Assert.ThrowsAsync<ApprovalForbiddenException>(() => approvals.ApproveAsync(pending.ApprovalId, new ApprovalDecider(Bob, [WorkspaceRole.Member]), null));
        await Assert.ThrowsAsync<ApprovalForbiddenException>(() => approvals.ApproveAsync(pending.ApprovalId, new ApprovalDecider("carol", [WorkspaceRole.Approver]), null));
        await Assert.ThrowsAsync<ApprovalForbiddenException>(() => approvals.ApproveAsync(pending.ApprovalId, new ApprovalDecider("model", [WorkspaceRole.Approver]), null));

        Assert.Equal(ApprovalState.Pending, (await approvals.GetAsync(pending.ApprovalId)).State);
        Assert.Empty(_notifier.Notified);
    }

    [Fact]
    public async Task The_same_payload_while_pending_is_one_approval_and_a_changed_one_is_another()
    {
        await using var silo = await StartAsync();
        var (_, approvals) = await WorkspaceAsync(silo);

        var first = await approvals.RequestAsync(Request());
        var again = await approvals.RequestAsync(Request() with { Reason = "retried after a restart" });
        var otherArgs = await approvals.RequestAsync(Request(args: """{"body":"Quarterly numbers attached","to":"attacker@evil.test"}"""));
        await approvals.DenyAsync(first.ApprovalId, BobDecides, "no");
        var afterDecision = await approvals.RequestAsync(Request());

        AssertSame(first, again);
        Assert.NotEqual(first.ApprovalId, otherArgs.ApprovalId);
        Assert.NotEqual(first.PayloadHash, otherArgs.PayloadHash);
        Assert.NotEqual(first.ApprovalId, afterDecision.ApprovalId);
        Assert.Equal(3, (await _events.WaitForAsync<ApprovalRequested>(3)).Count);
        Assert.Equal([afterDecision.ApprovalId, otherArgs.ApprovalId, first.ApprovalId], (await approvals.ListAsync(null, 10)).Select(static a => a.ApprovalId));
    }

    [Fact]
    public async Task An_approval_matches_only_the_payload_it_was_given_for()
    {
        await using var silo = await StartAsync();
        var (workspace, approvals) = await WorkspaceAsync(silo);
        var pending = await approvals.RequestAsync(Request());
        Assert.Equal(ApprovalHash.Compute(workspace, "run-1", "email.send", Args, 1), pending.PayloadHash);
        Assert.False(ApprovalHash.Matches(pending, workspace, "run-1", "email.send", Args, 1));

        var approved = await approvals.ApproveAsync(pending.ApprovalId, BobDecides, null);

        Assert.True(ApprovalHash.Matches(approved, workspace, "run-1", "email.send", Args, 1));
        Assert.False(ApprovalHash.Matches(approved, workspace, "run-1", "email.send", """{"body":"Quarterly numbers attached","to":"attacker@evil.test"}""", 1));
        Assert.False(ApprovalHash.Matches(approved, workspace, "run-1", "email.send", Args, 2));
        Assert.False(ApprovalHash.Matches(approved, workspace, "run-2", "email.send", Args, 1));
        Assert.False(ApprovalHash.Matches(approved, WorkspaceIds.NewWorkspaceId(), "run-1", "email.send", Args, 1));
    }

    [Fact]
    public async Task Bad_requests_and_decisions_are_refused_and_store_nothing()
    {
        await using var silo = await StartAsync();
        var (workspace, approvals) = await WorkspaceAsync(silo);

        await Assert.ThrowsAsync<ArgumentException>(() => approvals.RequestAsync(Request(args: """{"to":"a", "body":"b"}""")));
        await Assert.ThrowsAsync<ArgumentException>(() => approvals.RequestAsync(Request(args: """{"to":"a","to":"b"}""")));
        await Assert.ThrowsAsync<ArgumentException>(() => approvals.RequestAsync(Request() with { ToolClass = ToolClass.Read }));
        await Assert.ThrowsAsync<ArgumentException>(() => approvals.RequestAsync(Request() with { RunId = "" }));
        await Assert.ThrowsAsync<ArgumentException>(() => approvals.RequestAsync(Request(policyVersion: 7)));
        await Assert.ThrowsAsync<ArgumentException>(() => approvals.RequestAsync(Request() with { CanonicalArguments = "\"" + new string('x', ApprovalRules.MaxArgumentsLength) + "\"" }));
        var pending = await approvals.RequestAsync(Request());
        await Assert.ThrowsAsync<ArgumentException>(() => approvals.ApproveAsync(pending.ApprovalId, BobDecides, "bad\0comment"));
        await Assert.ThrowsAsync<WorkspaceNotFoundException>(() => approvals.ApproveAsync("apr" + new string('0', 24), BobDecides, null));
        await Assert.ThrowsAsync<WorkspaceNotFoundException>(() => approvals.GetAsync("../../etc"));

        AssertSame(pending, Assert.Single(await approvals.ListAsync(null, 10)));
        Assert.Single((await silo.Grains.GetGrain<IAuditLogGrain>(workspace).ReadAsync(0, 100, "approval.")).Entries);
    }

    [Fact]
    public async Task Requests_and_decisions_are_audited_with_decider_state_and_hash()
    {
        await using var silo = await StartAsync();
        var (workspace, approvals) = await WorkspaceAsync(silo);
        var pending = await approvals.RequestAsync(Request());
        await approvals.DenyAsync(pending.ApprovalId, BobDecides, "not this quarter");

        var entries = (await silo.Grains.GetGrain<IAuditLogGrain>(workspace).ReadAsync(0, 100, "approval.")).Entries;

        Assert.Equal(["approval.requested", "approval.decided"], entries.Select(static e => e.Kind));
        var decided = entries[1];
        Assert.Equal($"user:{Bob}", decided.Actor);
        Assert.Equal(("denied", Bob, pending.PayloadHash), (decided.Details["state"], decided.Details["decided_by"], decided.Details["payload_hash"]));
        Assert.DoesNotContain(entries, static e => e.Summary.Contains("cfo@customer.test", StringComparison.Ordinal) || e.Details.Values.Any(static v => v.Contains("cfo@customer.test", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Decisions_survive_a_restart_and_a_second_click_still_conflicts()
    {
        var store = await StoreAsync();
        string workspace;
        ApprovalView decided;
        await using (var first = await StartAsync(store))
        {
            (workspace, var approvals) = await WorkspaceAsync(first);
            var pending = await approvals.RequestAsync(Request());
            decided = await approvals.ApproveAsync(pending.ApprovalId, BobDecides, null);
        }

        await using var second = await StartAsync(store);
        var again = second.Grains.GetGrain<IApprovalGrain>(workspace);

        AssertSame(decided, await again.GetAsync(decided.ApprovalId));
        var conflict = await Assert.ThrowsAsync<ApprovalConflictException>(() => again.DenyAsync(decided.ApprovalId, AliceDecides, null));
        Assert.Contains($"already decided by {Bob} at ", conflict.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_request_made_while_the_bus_refuses_is_answered_at_once_and_its_event_goes_out_with_its_id_once_the_bus_is_back()
    {
        await using var silo = await StartAsync();
        var (_, approvals) = await WorkspaceAsync(silo);
        _events.Refuse();

        var pending = await approvals.RequestAsync(Request());
        await _events.WaitForRefusalsAsync();
        Assert.Empty(_events.Published.OfType<ApprovalRequested>());
        _events.Accept();
        var published = await ReminderTicks.AdvanceUntilAsync(silo.Time, _events.WaitForAsync<ApprovalRequested>(), TimeSpan.FromSeconds(1));

        Assert.Equal(pending.ApprovalId, Assert.Single(published).ApprovalId);
        var id = _events.EventIds[_events.Published.ToList().FindIndex(static e => e is ApprovalRequested)];
        Assert.All(_events.RefusedIds, refused => Assert.Equal(id, refused));
    }

    [Fact]
    public async Task An_event_left_in_the_outbox_when_its_silos_stopped_is_published_after_the_restart_without_any_call()
    {
        var store = await StoreAsync();
        ApprovalView pending;
        _events.Refuse();
        await using (var first = await StartAsync(store))
        {
            var (_, approvals) = await WorkspaceAsync(first);
            pending = await approvals.RequestAsync(Request());
            await _events.WaitForRefusalsAsync();
        }

        _events.Accept();
        await using var second = await StartAsync(store);
        var published = await ReminderTicks.AdvanceUntilAsync(second.Time, _events.WaitForAsync<ApprovalRequested>(), TimeSpan.FromMinutes(1));

        Assert.Equal(pending.ApprovalId, Assert.Single(published).ApprovalId);
        Assert.Equal(_events.RefusedIds[0], Assert.Single(_events.EventIds));
    }

    [Fact]
    public async Task Requests_and_decisions_are_published_on_the_MassTransit_bus()
    {
        // One silo: the test harness is a service of each silo, and the one to ask is the one that runs the grain.
        // The outbox publishes after the grain's write, off its turn: on a loaded machine that can be later than the
        // harness's default 1.2 s of bus silence, after which it answers "not published" without waiting further.
        await using var silo = await StartAsync(silos: 1, extra: static services =>
        {
            services.AddMassTransitTestHarness(static bus => bus.SetTestTimeouts(testInactivityTimeout: TimeSpan.FromSeconds(20)));
            services.Replace(ServiceDescriptor.Singleton<IPlatformEvents, MassTransitPlatformEvents>());
        });
        var harness = silo.Services.GetRequiredService<ITestHarness>();
        var (workspace, approvals) = await WorkspaceAsync(silo);
        var pending = await approvals.RequestAsync(Request());
        await approvals.ApproveAsync(pending.ApprovalId, BobDecides, null);

        Assert.True(await harness.Published.Any<ApprovalRequested>(m => m.Context.Message.ApprovalId == pending.ApprovalId, TestContext.Current.CancellationToken), "ApprovalRequested was not published");
        // The first match, not "the only one": waiting for the bus to fall silent would cost the whole inactivity wait,
        // and the outbox is at-least-once anyway (consumers drop repeats by event id).
        var decided = (await harness.Published.SelectAsync<ApprovalDecided>(m => m.Context.Message.ApprovalId == pending.ApprovalId, TestContext.Current.CancellationToken).FirstOrDefault())?.Context.Message;
        Assert.True(decided is not null, "ApprovalDecided was not published");
        Assert.Equal((workspace, ApprovalState.Approved, Bob, pending.PayloadHash), (decided.WorkspaceId, decided.State, decided.DecidedBy, decided.PayloadHash));
    }

    [Fact]
    public async Task Arguments_are_stored_only_sealed_and_read_back_whole_after_a_restart()
    {
        var store = await StoreAsync();
        string workspace;
        ApprovalView pending;
        await using (var silo = await StartAsync(store))
        {
            (workspace, var approvals) = await WorkspaceAsync(silo);
            pending = await approvals.RequestAsync(Request());
            var stored = await silo.Services.GetRequiredService<IGrainStateStore>()
                .ReadAsync(GrainId.Create("approval", workspace), "approvals", TestContext.Current.CancellationToken);
            var text = System.Text.Encoding.UTF8.GetString(stored!.Payload!);
            Assert.DoesNotContain("Quarterly numbers attached", text, StringComparison.Ordinal);
            Assert.Contains(pending.ApprovalId, text, StringComparison.Ordinal);
        }

        await using var again = await StartAsync(store);
        var readBack = await again.Grains.GetGrain<IApprovalGrain>(workspace).GetAsync(pending.ApprovalId);
        Assert.Equal(Args, readBack.CanonicalArguments);
    }

    [Fact]
    public async Task A_withdrawn_approval_cannot_be_approved_or_denied_and_the_refusal_says_its_run_was_cancelled()
    {
        await using var silo = await StartAsync();
        var (_, approvals) = await WorkspaceAsync(silo);
        var pending = await approvals.RequestAsync(Request());

        var withdrawn = await approvals.WithdrawRunAsync("run-1", "run run-1 was cancelled");
        var approve = await Assert.ThrowsAsync<ApprovalConflictException>(() => approvals.ApproveAsync(pending.ApprovalId, BobDecides, "ok"));
        var deny = await Assert.ThrowsAsync<ApprovalConflictException>(() => approvals.DenyAsync(pending.ApprovalId, BobDecides, "no"));

        Assert.Equal([pending.ApprovalId], withdrawn.Select(static a => a.ApprovalId));
        Assert.Contains("was withdrawn", approve.Message, StringComparison.Ordinal);
        Assert.Contains("because run run-1 was cancelled", approve.Message, StringComparison.Ordinal);
        Assert.Equal(approve.Message, deny.Message);
        var view = await approvals.GetAsync(pending.ApprovalId);
        Assert.Equal((ApprovalState.Withdrawn, null, "run run-1 was cancelled"), (view.State, view.DecidedBy, view.Comment));
        await _events.WaitForAsync<ApprovalDecided>(1, e => e.ApprovalId == pending.ApprovalId && e.State == ApprovalState.Withdrawn);
    }

    [Fact]
    public async Task Withdrawing_one_runs_approvals_leaves_other_runs_and_decided_ones_as_they_are()
    {
        await using var silo = await StartAsync();
        var (_, approvals) = await WorkspaceAsync(silo);
        var decided = await approvals.RequestAsync(Request());
        await approvals.ApproveAsync(decided.ApprovalId, BobDecides, null);
        var other = await approvals.RequestAsync(Request() with { RunId = "run-2" });

        var withdrawn = await approvals.WithdrawRunAsync("run-1", "run run-1 was cancelled");

        Assert.Empty(withdrawn);
        Assert.Equal(ApprovalState.Approved, (await approvals.GetAsync(decided.ApprovalId)).State);
        Assert.Equal(ApprovalState.Pending, (await approvals.GetAsync(other.ApprovalId)).State);
    }

    private static ApprovalRequest Request(string args = Args, int policyVersion = 1) =>
        new("run-1", "email.send", ToolClass.Send, args, Alice, "Send the quarterly report", ["cfo@customer.test"], policyVersion);

    // Records compare ImmutableArray by reference; a view read back from storage holds an equal, not the same, array.
    private static void AssertSame(ApprovalView expected, ApprovalView actual)
    {
        Assert.Equal(expected.Affects, actual.Affects);
        Assert.Equal(expected with { Affects = [] }, actual with { Affects = [] });
    }

    // The owner as the gateway would pass them; the workspace checks the roles against its own member list.
    private static ActingMember OwnerActs => new(Owner, "000000000000", [WorkspaceRole.Member, WorkspaceRole.Approver, WorkspaceRole.Admin, WorkspaceRole.Owner]);

    private static string WorkspaceOf(IApprovalGrain grain) => grain.GetGrainId().Key.ToString()!;

    private static async Task<(string WorkspaceId, IApprovalGrain Approvals)> WorkspaceAsync(PlatformTestCluster silo)
    {
        var id = WorkspaceIds.NewWorkspaceId();
        var workspace = silo.Grains.GetGrain<IWorkspaceGrain>(id);
        await workspace.CreateAsync("Acme", Owner, "Olive Owner");
        await workspace.PutMemberAsync(Alice, "Alice", [WorkspaceRole.Member, WorkspaceRole.Approver], OwnerActs);
        await workspace.PutMemberAsync(Bob, "Bob", [WorkspaceRole.Member, WorkspaceRole.Approver], OwnerActs);
        return (id, silo.Grains.GetGrain<IApprovalGrain>(id));
    }

    private async Task<PlatformTestCluster> StartAsync(Action<IServiceCollection>? store = null, Action<IServiceCollection>? extra = null, short silos = 2)
    {
        store ??= await StoreAsync();
        return await GrainsCluster.StartAsync(
            services =>
            {
                store(services);
                services.AddSingleton<IApprovalNotifier>(_notifier);
                services.AddSingleton<IPlatformEvents>(_events);
                services.AddWorkspaceEncryption(new ConfigurationBuilder()
                    .AddInMemoryCollection(new Dictionary<string, string?> { ["Platform:DataDirectory"] = _keyDirectory })
                    .Build());
                extra?.Invoke(services);
            },
            silos: silos);
    }
}
