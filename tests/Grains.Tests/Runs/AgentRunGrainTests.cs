using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Platform.Grains.Budget;
using Platform.Grains.Interfaces.Approvals;
using Platform.Grains.Interfaces.Audit;
using Platform.Grains.Interfaces.Budget;
using Platform.Grains.Interfaces.Egress;
using Platform.Grains.Interfaces.Models;
using Platform.Grains.Interfaces.Runs;
using Platform.Grains.Interfaces.Secrets;
using Platform.Grains.Interfaces.Workspaces;
using Platform.Grains.Runs;
using Platform.Grains.Security;
using Platform.Grains.Tools;
using Platform.Grains.Workspaces;
using Platform.Testing;

namespace Platform.Grains.Tests.Runs;

/// <summary>The agent run grain through the runtime, with the local model, over a real store.</summary>
public abstract class AgentRunGrainTests : IDisposable
{
    private const string Owner = "olive@acme.test";
    private readonly string _keyDirectory = Directory.CreateTempSubdirectory("run-keys-").FullName;
    private readonly FakeTimeProvider _time = TestClock.Create();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Registers the store under test; every call within one test reaches the same data.</summary>
    protected abstract Task<Action<IServiceCollection>> StoreAsync();

    [Fact]
    public async Task Tool_call_interrupted_by_a_crash_is_reported_as_outcome_unknown_and_never_run_again()
    {
        var store = await StoreAsync();
        var hanging = new HangingToolRunner();
        string runKey;
        var silo = await StartAsync(store, services => services.AddSingleton<IToolRunner>(hanging));
        try
        {
            var workspace = await WorkspaceAsync(silo, approvalRequired: [ToolClass.Send, ToolClass.Destructive]);
            runKey = RunIds.GrainKey(workspace, RunIds.NewRunId());
            await silo.Grains.GetGrain<IAgentRunGrain>(runKey).StartAsync(new StartRun("note that the launch is on Friday", Owner, null));
            await hanging.Entered.WaitAsync(TimeSpan.FromSeconds(15), Ct);
        }
        finally
        {
            // The processes "die" with the tool call in flight: every silo is killed, none finishes its turns.
            foreach (var node in silo.Cluster.Silos.ToList())
            {
                await silo.Cluster.KillSiloAsync(node, Ct);
            }

            await silo.DisposeAsync();
        }

        // One record of invocations for both silos, wherever the run wakes up.
        var invocations = new ConcurrentQueue<ToolInvocation>();
        await using var restarted = await StartAsync(store, services => services.AddSingleton<IToolRunner>(sp =>
            new CountingToolRunner(ActivatorUtilities.CreateInstance<ToolRunner>(sp), invocations)));
        var finished = await WaitForStatusAsync(restarted, runKey, RunStatus.Completed, resumeTicks: true);

        Assert.Contains(finished.Events, e => e.Kind == "tool.outcome_unknown");
        Assert.True(invocations.IsEmpty, "the interrupted tool call must not run again");
        var receipt = await restarted.Grains.GetGrain<IAgentRunGrain>(runKey).GetReceiptAsync();
        Assert.Contains("unknown outcome", receipt.Did, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_payload_swapped_in_storage_after_approval_is_refused_audited_and_listed_in_the_receipt()
    {
        var store = await StoreAsync();
        string workspace, runKey, approvalId;
        await using (var silo = await StartAsync(store))
        {
            workspace = await WorkspaceAsync(silo);
            runKey = RunIds.GrainKey(workspace, RunIds.NewRunId());
            await silo.Grains.GetGrain<IAgentRunGrain>(runKey).StartAsync(new StartRun("email bob@example.test that the report is late", Owner, null));
            approvalId = (await WaitForStatusAsync(silo, runKey, RunStatus.WaitingForApproval)).PendingApprovalId!;
        }

        // Someone with write access to the database swaps the payload a human is about to approve for another one.
        await using var restarted = await StartAsync(store);
        var tampered = await SealedJson.SealAsync(restarted.Grains, workspace, "run.tool_arguments", """{"body":"wire the money","subject":"urgent","to":"mallory@example.test"}""");
        var storage = restarted.Services.GetRequiredService<Platform.Silo.Storage.IGrainStateStore>();
        var id = GrainId.Create("agentrun", runKey);
        var stored = await storage.ReadAsync(id, "run", Ct);
        var state = System.Text.Json.Nodes.JsonNode.Parse(stored!.Payload)!.AsObject();
        state["toolCalls"]![0]!["sealedArguments"] = tampered;
        await storage.WriteAsync(id, "run", System.Text.Encoding.UTF8.GetBytes(state.ToJsonString()), stored.Etag, Ct);

        await restarted.Grains.GetGrain<IApprovalGrain>(workspace).ApproveAsync(approvalId, new ApprovalDecider(Owner, [WorkspaceRole.Approver, WorkspaceRole.Owner]), "ok");
        var finished = await WaitForStatusAsync(restarted, runKey, RunStatus.Completed);
        var receipt = await restarted.Grains.GetGrain<IAgentRunGrain>(runKey).GetReceiptAsync();
        var audit = await restarted.Grains.GetGrain<Platform.Grains.Interfaces.Audit.IAuditLogGrain>(workspace).ReadAsync(0, 1000, "guardrail.");

        Assert.Contains(finished.Events, e => e.Kind == "tool.refused");
        Assert.Contains(receipt.Notices, n => n.Contains("payload differs", StringComparison.Ordinal));
        Assert.Empty(receipt.Touched);
        Assert.Contains(audit.Entries, e => e.Kind == "guardrail.blocked");
    }

    [Fact]
    public async Task Denied_send_is_reported_to_the_model_which_answers_without_sending()
    {
        await using var silo = await StartAsync(await StoreAsync());
        var workspace = await WorkspaceAsync(silo);
        var runKey = RunIds.GrainKey(workspace, RunIds.NewRunId());
        var run = silo.Grains.GetGrain<IAgentRunGrain>(runKey);
        await run.StartAsync(new StartRun("email bob@example.test that the report is late", Owner, null));
        var waiting = await WaitForStatusAsync(silo, runKey, RunStatus.WaitingForApproval);

        await silo.Grains.GetGrain<IApprovalGrain>(workspace).DenyAsync(waiting.PendingApprovalId!, new ApprovalDecider(Owner, [WorkspaceRole.Approver, WorkspaceRole.Owner]), "not now");
        var finished = await WaitForStatusAsync(silo, runKey, RunStatus.Completed);

        Assert.Contains("not sent", finished.Answer, StringComparison.OrdinalIgnoreCase);
        var receipt = await run.GetReceiptAsync();
        Assert.Contains("1 call not approved", receipt.Did, StringComparison.Ordinal);
        Assert.Empty(receipt.Touched);
    }

    [Fact]
    public async Task Run_whose_own_cap_is_below_one_model_call_stops_before_calling_the_model()
    {
        await using var silo = await StartAsync(await StoreAsync());
        var workspace = await WorkspaceAsync(silo);
        var runKey = RunIds.GrainKey(workspace, RunIds.NewRunId());

        await silo.Grains.GetGrain<IAgentRunGrain>(runKey).StartAsync(new StartRun("what are my notes", Owner, MaxCostMicros: 1));
        var failed = await WaitForStatusAsync(silo, runKey, RunStatus.Failed);

        Assert.Contains("run cap", failed.Error, StringComparison.Ordinal);
        Assert.Equal(0, failed.SpentMicros);
        Assert.Equal(0, (await silo.Grains.GetGrain<IBudgetGrain>(workspace).GetStatusAsync()).SpentMicros);
    }

    [Fact]
    public async Task Model_that_keeps_calling_tools_is_stopped_at_the_step_limit()
    {
        await using var model = await FakeOpenAiServer.StartAsync();
        for (var i = 0; i < RunRules.StepLimit; i++)
        {
            model.EnqueueToolCalls([($"call_{i}", "notes_read", "{}")], promptTokens: 10, completionTokens: 5);
        }

        await using var silo = await StartAsync(await StoreAsync());
        var workspace = await WorkspaceAsync(silo);
        await silo.Grains.GetGrain<IModelCatalogGrain>(IModelCatalogGrain.Key).PutAsync(new CatalogEntry("loop-model", "openai", "loop-model", model.BaseUrl.ToString(), 1_000, 2_000, 64), "operator");
        await silo.Grains.GetGrain<IWorkspaceGrain>(workspace).UpdateAsync(new WorkspacePatch(Model: new WorkspaceModelPatch("loop-model")), "test");
        var runKey = RunIds.GrainKey(workspace, RunIds.NewRunId());

        await silo.Grains.GetGrain<IAgentRunGrain>(runKey).StartAsync(new StartRun("keep reading my notes", Owner, null));
        var failed = await WaitForStatusAsync(silo, runKey, RunStatus.Failed);

        Assert.Contains("Step limit", failed.Error, StringComparison.Ordinal);
        Assert.Equal(RunRules.StepLimit, failed.Steps);
        Assert.Equal(RunRules.StepLimit / 2, model.Requests.Count);
    }

    [Fact]
    public async Task Bad_run_input_is_refused_and_creates_no_run()
    {
        await using var silo = await StartAsync(await StoreAsync());
        var workspace = await WorkspaceAsync(silo);
        var run = silo.Grains.GetGrain<IAgentRunGrain>(RunIds.GrainKey(workspace, RunIds.NewRunId()));

        await Assert.ThrowsAsync<ArgumentException>(() => run.StartAsync(new StartRun("  ", Owner, null)));
        await Assert.ThrowsAsync<ArgumentException>(() => run.StartAsync(new StartRun(new string('x', RunRules.MaxInputLength + 1), Owner, null)));
        await Assert.ThrowsAsync<ArgumentException>(() => run.StartAsync(new StartRun("hi", Owner, MaxCostMicros: 0)));
        await Assert.ThrowsAsync<WorkspaceNotFoundException>(run.GetAsync);
    }

    [Fact]
    public async Task A_run_whose_input_carries_a_secret_value_is_refused_audited_by_handle_and_never_stored()
    {
        await using var silo = await StartAsync(await StoreAsync());
        var workspace = await WorkspaceAsync(silo);
        const string Value = "sk_live_run_input_secret_0042";
        await silo.Grains.GetGrain<ISecretsGrain>(workspace).SetAsync("stripe-key", Value, "user:olive");
        var encoded = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(Value));
        var runId = RunIds.NewRunId();
        var runKey = RunIds.GrainKey(workspace, runId);
        var run = silo.Grains.GetGrain<IAgentRunGrain>(runKey);

        var refused = await Assert.ThrowsAsync<SecretDetectedException>(() => run.StartAsync(new StartRun($"email bob@example.test that the key is {encoded}", Owner, null)));

        Assert.Equal("secret://stripe-key", refused.Secret);
        Assert.Equal("base64", refused.Encoding);
        Assert.Contains("secret://stripe-key (base64)", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(encoded, refused.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<WorkspaceNotFoundException>(run.GetAsync);
        var storage = silo.Services.GetRequiredService<Platform.Silo.Storage.IGrainStateStore>();
        Assert.Null(await storage.ReadAsync(GrainId.Create("agentrun", runKey), "run", Ct));
        var audit = await silo.Grains.GetGrain<IAuditLogGrain>(workspace).ReadAsync(0, 1000);
        var entry = Assert.Single(audit.Entries, e => e.Kind == "guardrail.blocked" && e.Details.GetValueOrDefault("run_id") == runId);
        Assert.Contains("secret://stripe-key (base64)", entry.Summary, StringComparison.Ordinal);
        Assert.Equal($"user:{Owner}", entry.Actor);
        var everything = System.Text.Json.JsonSerializer.Serialize(audit.Entries);
        Assert.DoesNotContain(Value, everything, StringComparison.Ordinal);
        Assert.DoesNotContain(encoded, everything, StringComparison.Ordinal);
        Assert.DoesNotContain(audit.Entries, e => e.Kind == "run.started");
    }

    [Fact]
    public async Task A_run_on_a_workspace_whose_cap_is_not_set_is_refused_at_start_saying_how_to_set_it()
    {
        await using var silo = await StartAsync(await StoreAsync());
        var workspace = await WorkspaceAsync(silo, capMicros: 0);
        var runKey = RunIds.GrainKey(workspace, RunIds.NewRunId());
        var run = silo.Grains.GetGrain<IAgentRunGrain>(runKey);

        var refused = await Assert.ThrowsAsync<WorkspaceConflictException>(() => run.StartAsync(new StartRun("what are my notes", Owner, null)));

        Assert.Contains("cap is not set", refused.Message, StringComparison.Ordinal);
        Assert.Contains("PUT /api/budget {\"monthlyCapMicros\"", refused.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<WorkspaceNotFoundException>(run.GetAsync);
    }

    [Fact]
    public async Task Cancelling_a_run_that_waits_for_approval_withdraws_the_approval_and_a_later_decision_says_so()
    {
        await using var silo = await StartAsync(await StoreAsync());
        var workspace = await WorkspaceAsync(silo);
        var runId = RunIds.NewRunId();
        var run = silo.Grains.GetGrain<IAgentRunGrain>(RunIds.GrainKey(workspace, runId));
        await run.StartAsync(new StartRun("email bob@example.test that the report is late", Owner, null));
        var approvalId = (await WaitForStatusAsync(silo, RunIds.GrainKey(workspace, runId), RunStatus.WaitingForApproval)).PendingApprovalId!;

        await run.CancelAsync($"user:{Owner}");
        var cancelled = await WaitForStatusAsync(silo, RunIds.GrainKey(workspace, runId), RunStatus.Cancelled);
        var approvals = silo.Grains.GetGrain<IApprovalGrain>(workspace);
        var decider = new ApprovalDecider(Owner, [WorkspaceRole.Approver, WorkspaceRole.Owner]);
        var approve = await Assert.ThrowsAsync<ApprovalConflictException>(() => approvals.ApproveAsync(approvalId, decider, "ok"));
        var deny = await Assert.ThrowsAsync<ApprovalConflictException>(() => approvals.DenyAsync(approvalId, decider, "no"));

        Assert.Equal(RunStatus.Cancelled, cancelled.Status);
        Assert.Contains($"run {runId} was cancelled", approve.Message, StringComparison.Ordinal);
        Assert.Contains("withdrawn", deny.Message, StringComparison.Ordinal);
        Assert.Equal(ApprovalState.Withdrawn, (await approvals.GetAsync(approvalId)).State);
        Assert.Empty(await approvals.ListAsync(ApprovalState.Pending, 10));
        Assert.Contains(cancelled.Events, e => e.Kind == "approval.withdrawn" && e.ApprovalId == approvalId);
        Assert.Contains("1 call withdrawn while waiting for approval", (await run.GetReceiptAsync()).Did, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_mail_the_relay_refuses_is_answered_as_not_sent_and_the_receipt_and_events_say_why()
    {
        var closedPort = ClosedPort();
        await using var silo = await StartAsync(await StoreAsync(), settings: new Dictionary<string, string?>
        {
            ["Platform:Smtp:Host"] = "127.0.0.1",
            ["Platform:Smtp:Port"] = closedPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        var workspace = await WorkspaceAsync(silo);
        var runKey = RunIds.GrainKey(workspace, RunIds.NewRunId());
        var run = silo.Grains.GetGrain<IAgentRunGrain>(runKey);
        await run.StartAsync(new StartRun("email bob@example.test that the report is ready", Owner, null));
        var waiting = await WaitForStatusAsync(silo, runKey, RunStatus.WaitingForApproval);

        await silo.Grains.GetGrain<IApprovalGrain>(workspace).ApproveAsync(waiting.PendingApprovalId!, new ApprovalDecider(Owner, [WorkspaceRole.Approver, WorkspaceRole.Owner]), "ok");
        var finished = await WaitForStatusAsync(silo, runKey, RunStatus.Completed);
        var receipt = await run.GetReceiptAsync();

        var why = $"the mail relay 127.0.0.1:{closedPort} refused the connection";
        Assert.Equal($"The email to bob@example.test was not sent: {why}.", finished.Answer);
        Assert.Contains($"email.send failed: {why}", receipt.Did, StringComparison.Ordinal);
        Assert.Contains(finished.Events, e => e.Kind == "tool.call" && e.Summary == $"email.send failed: {why}.");
        Assert.Empty(receipt.Touched);
    }

    [Fact]
    public async Task A_webhook_post_off_the_allowlist_is_refused_when_asked_before_any_approval_with_a_receipt_notice()
    {
        await using var silo = await StartAsync(await StoreAsync());
        var workspace = await WorkspaceAsync(silo);
        await silo.Grains.GetGrain<IWorkspaceGrain>(workspace).UpdateAsync(new WorkspacePatch(WebhookAllowlist: ["https://hooks.example.test/team"]), "test");
        var runKey = RunIds.GrainKey(workspace, RunIds.NewRunId());
        var run = silo.Grains.GetGrain<IAgentRunGrain>(runKey);

        await run.StartAsync(new StartRun("post deploy finished to https://elsewhere.example.test/team", Owner, null));
        var finished = await WaitForStatusAsync(silo, runKey, RunStatus.Completed);
        var receipt = await run.GetReceiptAsync();

        Assert.Empty(await silo.Grains.GetGrain<IApprovalGrain>(workspace).ListAsync(null, 10));
        Assert.DoesNotContain(finished.Events, e => e.Kind == "approval.requested");
        Assert.Contains(receipt.Notices, n => n.Contains("webhook.post refused before asking for approval", StringComparison.Ordinal) && n.Contains("not on this workspace's webhook allowlist", StringComparison.Ordinal));
        Assert.StartsWith("The message was not posted to the webhook: the URL is not on this workspace's webhook allowlist", finished.Answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_step_that_meets_a_grain_on_a_lost_node_is_taken_up_again_by_the_reminder_instead_of_failing_the_run()
    {
        var lost = new LostNodeFilter();
        await using var silo = await StartAsync(await StoreAsync(), services => services.AddSingleton<IIncomingGrainCallFilter>(lost));
        var workspace = await WorkspaceAsync(silo, approvalRequired: [ToolClass.Send, ToolClass.Destructive]);
        var key = RunIds.GrainKey(workspace, RunIds.NewRunId());

        lost.RefuseNext(2);
        await silo.Grains.GetGrain<IAgentRunGrain>(key).StartAsync(new StartRun("note that the launch is on Friday", Owner, null));
        var finished = await WaitForStatusAsync(silo, key, RunStatus.Completed, resumeTicks: true);

        Assert.Equal(0, lost.Left);
        Assert.DoesNotContain(finished.Events, static e => e.Kind == "run.failed");
        Assert.NotNull(finished.Answer);
        Assert.Equal(finished.SpentMicros, finished.Events.Where(static e => e.Kind == "model.call").Sum(static e => e.CostMicros));
    }

    [Fact]
    public async Task What_are_my_notes_answers_with_the_notes_as_plain_text()
    {
        await using var silo = await StartAsync(await StoreAsync());
        var workspace = await WorkspaceAsync(silo, approvalRequired: [ToolClass.Send, ToolClass.Destructive]);
        foreach (var input in new[] { "note that the launch is on Friday", "what are my notes" })
        {
            var key = RunIds.GrainKey(workspace, RunIds.NewRunId());
            await silo.Grains.GetGrain<IAgentRunGrain>(key).StartAsync(new StartRun(input, Owner, null));
            await WaitForStatusAsync(silo, key, RunStatus.Completed);
        }

        var runKey = RunIds.GrainKey(workspace, RunIds.NewRunId());
        await silo.Grains.GetGrain<IAgentRunGrain>(runKey).StartAsync(new StartRun("what are my notes", Owner, null));
        var answer = (await WaitForStatusAsync(silo, runKey, RunStatus.Completed)).Answer;

        Assert.Equal("Your notes:\n- The launch is on Friday.", answer);
    }

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

    private Task<PlatformTestCluster> StartAsync(Action<IServiceCollection> store, Action<IServiceCollection>? extra = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Platform:DataDirectory"] = _keyDirectory,
                ["Platform:Models:OpenAI:ApiKey"] = "sk-test-key",
                ["Platform:Models:OpenAI:AllowedBaseUrls:0"] = "http://127.0.0.1/",
            })
            .AddInMemoryCollection(settings ?? new Dictionary<string, string?>())
            .Build();
        return GrainsCluster.StartAsync(
            services =>
            {
                store(services);
                extra?.Invoke(services);
                services.AddBudget();
                services.AddWorkspaceEncryption(configuration);
                services.AddPlatformModelsAndTools(configuration);
            },
            time: _time);
    }

    private static async Task<string> WorkspaceAsync(PlatformTestCluster silo, System.Collections.Immutable.ImmutableSortedSet<ToolClass>? approvalRequired = null, long capMicros = 5_000_000)
    {
        var id = WorkspaceIds.NewWorkspaceId();
        var workspace = silo.Grains.GetGrain<IWorkspaceGrain>(id);
        await workspace.CreateAsync("Acme", Owner, "Olive");
        if (approvalRequired is not null)
        {
            await workspace.UpdateAsync(new WorkspacePatch(ApprovalRequired: approvalRequired), "test");
        }

        if (capMicros > 0)
        {
            await silo.Grains.GetGrain<IBudgetGrain>(id).SetCapAsync(capMicros, "test");
        }

        return id;
    }

    /// <summary>A loopback port nothing listens on: bound for a moment to learn a free one, then closed.</summary>
    private static int ClosedPort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>
    /// Polls (in real time, boundedly) until the run reaches <paramref name="status"/>. With <paramref name="resumeTicks"/>
    /// the fake clock moves a resume interval per poll: the resume reminder is periodic, and a silo that loads it after a
    /// single advance would schedule its next tick one period after that, so one advance alone could be missed.
    /// </summary>
    private async Task<RunView> WaitForStatusAsync(PlatformTestCluster silo, string runKey, RunStatus status, bool resumeTicks = false)
    {
        var run = silo.Grains.GetGrain<IAgentRunGrain>(runKey);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        RunView view;
        do
        {
            view = await run.GetAsync();
            if (view.Status == status)
            {
                return view;
            }

            if (resumeTicks)
            {
                _time.Advance(TimeSpan.FromMinutes(1));
                await Task.Delay(100, Ct);
            }
            else
            {
                await Task.Delay(10, Ct);
            }
        }
        while (DateTime.UtcNow < deadline);

        Assert.Fail($"Run {runKey} did not reach {status} within 15 s; it is {view.Status} ({view.Error}).");
        return view;
    }
}
