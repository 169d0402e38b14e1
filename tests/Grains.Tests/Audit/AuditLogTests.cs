using System.Collections.Immutable;
using System.Globalization;

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

using Platform.Grains.Audit;
using Platform.Grains.Interfaces.Audit;
using Orleans.Storage;

using Platform.Silo;
using Platform.Silo.Journal;
using Platform.Testing;

namespace Platform.Grains.Tests.Audit;

/// <summary>
/// The audit log grain through the runtime, against a real store. Each test starts its own silos over one store, as two
/// machines (or a restarted process) would share it, and tampers with rows directly in the database. Tests of deferred
/// appends wrap the store's journal in a <see cref="ControlledJournal"/> to hold or fail its calls at a chosen moment.
/// </summary>
public abstract class AuditLogTests
{
    private const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

    // The audit log's "writing a batch failed" message.
    private const int FlushFailedEventId = 4401;

    /// <summary>Registers the store under test; every call within one test reaches the same data.</summary>
    protected abstract Task<Action<IServiceCollection>> StoreAsync();

    /// <summary>Replaces text inside one stored payload, as someone with database access would.</summary>
    protected abstract Task<int> ReplaceInPayloadAsync(string stream, long sequence, string original, string replacement);

    /// <summary>Overwrites one stored payload.</summary>
    protected abstract Task<int> SetPayloadAsync(string stream, long sequence, byte[] payload);

    /// <summary>Deletes one stored row.</summary>
    protected abstract Task<int> DeleteRowAsync(string stream, long sequence);

    [Fact]
    public async Task A_chain_longer_than_a_verification_page_links_every_entry_and_verifies()
    {
        await using var silo = await StartAsync();
        var log = silo.Grains.GetGrain<IAuditLogGrain>(NewWorkspace());

        var entries = new List<AuditEntry>();
        for (var i = 1; i <= 1005; i++)
        {
            entries.Add(await log.AppendAsync(Record("tool.call", $"call {i}", ("n", $"{i}"))));
        }

        Assert.Equal(Enumerable.Range(1, 1005).Select(static i => (long)i), entries.Select(static e => e.Sequence));
        Assert.Equal(Genesis, entries[0].PreviousHash);
        for (var i = 1; i < entries.Count; i++)
        {
            Assert.Equal(entries[i - 1].Hash, entries[i].PreviousHash);
        }

        Assert.All(entries, static e => Assert.Matches("^[0-9a-f]{64}$", e.Hash));
        Assert.Equal(1005, entries.Select(static e => e.Hash).Distinct().Count());
        Assert.Equal(new AuditVerification(true, 1005, null, null), await log.VerifyAsync());
    }

    [Fact]
    public async Task The_appended_entry_is_what_is_read_back_with_the_silo_clock_time()
    {
        await using var silo = await StartAsync();
        silo.Time.Advance(TimeSpan.FromMinutes(90.1234567));
        var log = silo.Grains.GetGrain<IAuditLogGrain>(NewWorkspace());

        var appended = await log.AppendAsync(Record("budget.reserved", "Reserved 1200 micro-dollars", ("run", "r-1"), ("cost", "1200")));
        var read = Assert.Single((await log.ReadAsync(0, 10)).Entries);

        Assert.Equal(silo.Time.GetUtcNow(), appended.At);
        Assert.Equal(TimeSpan.Zero, appended.At.Offset);
        AssertSame(appended, read);
    }

    [Fact]
    public async Task Entries_survive_a_silo_restart_and_the_chain_continues_from_the_last_one()
    {
        var store = await StoreAsync();
        var workspace = NewWorkspace();
        AuditEntry last;
        await using (var first = await StartAsync(store))
        {
            var log = first.Grains.GetGrain<IAuditLogGrain>(workspace);
            for (var i = 0; i < 2; i++)
            {
                await log.AppendAsync(Record("member.added", $"member {i}"));
            }

            last = await log.AppendAsync(Record("member.added", "member 2"));
        }

        await using var second = await StartAsync(store);
        var again = second.Grains.GetGrain<IAuditLogGrain>(workspace);
        var next = await again.AppendAsync(Record("key.created", "after the restart"));

        Assert.Equal(4, next.Sequence);
        Assert.Equal(last.Hash, next.PreviousHash);
        Assert.Equal(4, (await again.ReadAsync(0, 10)).Entries.Length);
        Assert.Equal(new AuditVerification(true, 4, null, null), await again.VerifyAsync());
    }

    [Fact]
    public async Task Two_hundred_concurrent_appends_get_contiguous_sequences_and_a_valid_chain()
    {
        await using var silo = await StartAsync();
        var workspace = NewWorkspace();

        var appended = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(
            () => silo.Grains.GetGrain<IAuditLogGrain>(workspace).AppendAsync(Record("model.call", $"caller {i}", ("caller", $"{i}"))),
            TestContext.Current.CancellationToken)));

        Assert.Equal(Enumerable.Range(1, 200).Select(static i => (long)i), appended.Select(static e => e.Sequence).Order());
        Assert.Equal(200, appended.Select(static e => e.Details["caller"]).Distinct().Count());
        Assert.Equal(new AuditVerification(true, 200, null, null), await silo.Grains.GetGrain<IAuditLogGrain>(workspace).VerifyAsync());
    }

    [Fact]
    public async Task A_detail_changed_in_the_database_is_named_by_verification()
    {
        await using var silo = await StartAsync();
        var workspace = NewWorkspace();
        var log = silo.Grains.GetGrain<IAuditLogGrain>(workspace);
        for (var i = 1; i <= 20; i++)
        {
            await log.AppendAsync(Record("budget.settled", $"settled {i}", ("cost", $"{i}00")));
        }

        Assert.Equal(1, await ReplaceInPayloadAsync(Stream(workspace), 17, "\"cost\":\"1700\"", "\"cost\":\"17\""));

        var verification = await log.VerifyAsync();
        Assert.False(verification.Valid);
        Assert.Equal(17, verification.FirstBrokenSequence);
        Assert.Equal(17, verification.EntriesChecked);
        Assert.Equal("entry 17: stored hash does not match its content.", verification.Problem);
        Assert.Equal("17", (await log.ReadAsync(16, 1)).Entries[0].Details["cost"]);
    }

    [Fact]
    public async Task A_changed_entry_whose_hash_was_recomputed_breaks_the_next_link()
    {
        await using var silo = await StartAsync();
        var workspace = NewWorkspace();
        var log = silo.Grains.GetGrain<IAuditLogGrain>(workspace);
        for (var i = 1; i <= 20; i++)
        {
            await log.AppendAsync(Record("approval.decided", $"decision {i}", ("outcome", "denied")));
        }

        var original = (await log.ReadAsync(16, 1)).Entries[0];
        var details = original.Details.SetItem("outcome", "approved");
        var forged = original with
        {
            Details = details,
            Hash = AuditChain.ComputeHash(original.Sequence, original.At, original.Kind, original.Actor, original.Summary, details, original.PreviousHash),
        };
        Assert.Equal(1, await SetPayloadAsync(Stream(workspace), 17, AuditEntryCodec.Encode(forged)));

        var verification = await log.VerifyAsync();
        Assert.Equal(18, verification.FirstBrokenSequence);
        Assert.Equal("entry 18: previous hash does not match entry 17.", verification.Problem);
    }

    [Fact]
    public async Task A_row_deleted_from_the_middle_is_named_by_verification()
    {
        await using var silo = await StartAsync();
        var workspace = NewWorkspace();
        var log = silo.Grains.GetGrain<IAuditLogGrain>(workspace);
        for (var i = 1; i <= 10; i++)
        {
            await log.AppendAsync(Record("tool.call", $"call {i}"));
        }

        Assert.Equal(1, await DeleteRowAsync(Stream(workspace), 6));

        var verification = await log.VerifyAsync();
        Assert.False(verification.Valid);
        Assert.Equal(6, verification.FirstBrokenSequence);
        Assert.Equal(5, verification.EntriesChecked);
        Assert.Equal("entry 6 is missing (the next stored entry is 7).", verification.Problem);
    }

    [Fact]
    public async Task The_newest_row_deleted_is_noticed_by_the_activation_that_wrote_it()
    {
        await using var silo = await StartAsync();
        var workspace = NewWorkspace();
        var log = silo.Grains.GetGrain<IAuditLogGrain>(workspace);
        for (var i = 1; i <= 5; i++)
        {
            await log.AppendAsync(Record("tool.call", $"call {i}"));
        }

        Assert.Equal(1, await DeleteRowAsync(Stream(workspace), 5));

        var verification = await log.VerifyAsync();
        Assert.Equal(5, verification.FirstBrokenSequence);
        Assert.Equal("entry 5 is missing (the log had reached entry 5).", verification.Problem);
    }

    [Fact]
    public async Task Two_silos_appending_to_one_workspace_never_fork_the_chain()
    {
        var store = await StoreAsync();
        var workspace = NewWorkspace();
        // Two clusters over one store: two machines that each believe they own the workspace (a split cluster).
        await using var nodeA = await StartAsync(store, silos: 1);
        await using var nodeB = await StartAsync(store, silos: 1);
        var onA = nodeA.Grains.GetGrain<IAuditLogGrain>(workspace);
        var onB = nodeB.Grains.GetGrain<IAuditLogGrain>(workspace);

        Assert.Equal(1, (await onB.AppendAsync(Record("tool.call", "b1"))).Sequence);
        Assert.Equal(2, (await onA.AppendAsync(Record("tool.call", "a1"))).Sequence);
        await Assert.ThrowsAsync<InconsistentStateException>(() => onB.AppendAsync(Record("tool.call", "b-refused")));
        var afterReload = await onB.AppendAsync(Record("tool.call", "b2"));
        await Assert.ThrowsAsync<InconsistentStateException>(() => onA.AppendAsync(Record("tool.call", "a-refused")));
        var a2 = await onA.AppendAsync(Record("tool.call", "a2"));

        Assert.Equal(3, afterReload.Sequence);
        Assert.Equal(4, a2.Sequence);
        Assert.Equal(afterReload.Hash, a2.PreviousHash);
        var stored = (await onA.ReadAsync(0, 100)).Entries;
        Assert.Equal(["b1", "a1", "b2", "a2"], stored.Select(static e => e.Summary));
        Assert.Equal(new AuditVerification(true, 4, null, null), await onA.VerifyAsync());
        Assert.Equal(new AuditVerification(true, 4, null, null), await onB.VerifyAsync());
    }

    [Fact]
    public async Task Two_silos_appending_concurrently_keep_one_valid_chain()
    {
        var store = await StoreAsync();
        var workspace = NewWorkspace();
        // Two clusters over one store: two machines that each believe they own the workspace (a split cluster).
        await using var nodeA = await StartAsync(store, silos: 1);
        await using var nodeB = await StartAsync(store, silos: 1);

        async Task<int> AppendUntilStoredAsync(PlatformTestCluster node, string name)
        {
            var conflicts = 0;
            for (var i = 0; i < 20; i++)
            {
                while (true)
                {
                    try
                    {
                        await node.Grains.GetGrain<IAuditLogGrain>(workspace).AppendAsync(Record("tool.call", $"{name}{i}"));
                        break;
                    }
                    catch (InconsistentStateException)
                    {
                        conflicts++;
                    }
                }
            }

            return conflicts;
        }

        await Task.WhenAll(Task.Run(() => AppendUntilStoredAsync(nodeA, "a"), TestContext.Current.CancellationToken), Task.Run(() => AppendUntilStoredAsync(nodeB, "b"), TestContext.Current.CancellationToken));

        var stored = (await nodeA.Grains.GetGrain<IAuditLogGrain>(workspace).ReadAsync(0, 100)).Entries;
        Assert.Equal(40, stored.Length);
        Assert.Equal(40, stored.Select(static e => e.Summary).Distinct().Count());
        Assert.Equal(new AuditVerification(true, 40, null, null), await nodeB.Grains.GetGrain<IAuditLogGrain>(workspace).VerifyAsync());
    }

    [Fact]
    public async Task Malformed_records_are_refused_and_nothing_is_appended()
    {
        await using var silo = await StartAsync();
        var log = silo.Grains.GetGrain<IAuditLogGrain>(NewWorkspace());
        var tooManyDetails = Enumerable.Range(0, 65).ToImmutableSortedDictionary(static i => $"k{i}", static i => "v", StringComparer.Ordinal);
        AuditRecord[] refused =
        [
            Record("", "empty kind"),
            Record("Tool.Call", "upper case"),
            Record("tool..call", "empty segment"),
            Record("tool.call.", "trailing dot"),
            Record(".tool", "leading dot"),
            Record("tool-call", "hyphen"),
            Record("tool.call\n", "trailing newline"),
            Record("tool.c4ll", "digit"),
            Record(new string('a', 65), "kind too long"),
            Record("tool.call", "empty actor") with { Actor = "" },
            Record("tool.call", "long actor") with { Actor = new string('u', 257) },
            Record("tool.call", new string('s', 1001)),
            Record("tool.call", "null details") with { Details = null! },
            Record("tool.call", "too many details") with { Details = tooManyDetails },
            Record("tool.call", "long value", ("v", new string('x', 4097))),
            Record("tool.call", "empty key", ("", "x")),
        ];

        foreach (var record in refused)
        {
            var error = await Assert.ThrowsAnyAsync<ArgumentException>(() => log.AppendAsync(record));
            Assert.False(string.IsNullOrWhiteSpace(error.Message));
        }

        // A lone surrogate has no UTF-8 form, so it cannot cross the wire: the client's serializer sends U+FFFD instead.
        // Grains calling the log on their own silo pass it as it is (calls there are copied, not serialized), so the
        // grain's rule still refuses it.
        Assert.ThrowsAny<ArgumentException>(() => AuditRecordRules.Validate(Record("tool.call", "lone surrogate", ("v", "\ud800"))));

        Assert.Contains("kind", (await Assert.ThrowsAnyAsync<ArgumentException>(() => log.AppendAsync(Record("Bad", "x")))).Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-value", (await Assert.ThrowsAnyAsync<ArgumentException>(
            () => log.AppendAsync(Record("tool.call", "x", ("token", "secret-value" + new string('x', 4096)))))).Message, StringComparison.Ordinal);
        var page = await log.ReadAsync(0, 10);
        Assert.Empty(page.Entries);
        Assert.Equal(0, page.LastSequence);

        var accepted = await log.AppendAsync(Record("approval.requested_by_policy", "edge of the rules",
            [.. Enumerable.Range(0, 64).Select(static i => ($"k{i}", new string('x', 4096)))]) with { Actor = new string('u', 256) });
        Assert.Equal(1, accepted.Sequence);
        Assert.True((await log.VerifyAsync()).Valid);
    }

    [Fact]
    public async Task Reads_page_oldest_first_and_filter_by_kind_prefix()
    {
        await using var silo = await StartAsync();
        var log = silo.Grains.GetGrain<IAuditLogGrain>(NewWorkspace());
        string[] kinds = ["tool.call", "budget.reserved", "budget.threshold", "approval.requested", "budgets.other"];
        for (var i = 1; i <= 30; i++)
        {
            await log.AppendAsync(Record(kinds[(i - 1) % kinds.Length], $"entry {i}"));
        }

        var all = new List<AuditEntry>();
        long after = 0;
        while (true)
        {
            var page = await log.ReadAsync(after, 7);
            Assert.Equal(30, page.LastSequence);
            if (page.Entries.IsEmpty)
            {
                break;
            }

            Assert.True(page.Entries.Length <= 7);
            all.AddRange(page.Entries);
            after = page.Entries[^1].Sequence;
        }

        Assert.Equal(Enumerable.Range(1, 30).Select(static i => $"entry {i}"), all.Select(static e => e.Summary));

        var budget = new List<AuditEntry>();
        after = 0;
        while (true)
        {
            var page = await log.ReadAsync(after, 3, "budget");
            if (page.Entries.IsEmpty)
            {
                break;
            }

            budget.AddRange(page.Entries);
            after = page.Entries[^1].Sequence;
        }

        Assert.Equal(12, budget.Count);
        Assert.All(budget, static e => Assert.StartsWith("budget.", e.Kind, StringComparison.Ordinal));
        Assert.Equal(budget.Select(static e => e.Sequence).Order(), budget.Select(static e => e.Sequence));
        Assert.Equal(6, (await log.ReadAsync(0, 100, "budget.reserved")).Entries.Length);
        Assert.Equal(6, (await log.ReadAsync(0, 100, "budgets")).Entries.Length);
        Assert.Equal(12, (await log.ReadAsync(0, 100, "budget.")).Entries.Length);
        Assert.Empty((await log.ReadAsync(0, 100, "member")).Entries);
        Assert.Equal(30, (await log.ReadAsync(0, 1000)).Entries.Length);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => log.ReadAsync(0, 0));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => log.ReadAsync(0, 1001));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => log.ReadAsync(-1, 10));
    }

    [Fact]
    public async Task One_workspace_log_never_holds_another_workspace_entries()
    {
        await using var silo = await StartAsync();
        var workspaceA = NewWorkspace();
        var workspaceB = workspaceA + "0";
        var logA = silo.Grains.GetGrain<IAuditLogGrain>(workspaceA);
        var logB = silo.Grains.GetGrain<IAuditLogGrain>(workspaceB);

        for (var i = 1; i <= 5; i++)
        {
            Assert.Equal(i, (await logA.AppendAsync(Record("tool.call", $"A{i}"))).Sequence);
            Assert.Equal(i, (await logB.AppendAsync(Record("tool.call", $"B{i}"))).Sequence);
        }

        var pageA = await logA.ReadAsync(0, 100);
        var pageB = await logB.ReadAsync(0, 100);
        Assert.All(pageA.Entries, static e => Assert.StartsWith("A", e.Summary, StringComparison.Ordinal));
        Assert.All(pageB.Entries, static e => Assert.StartsWith("B", e.Summary, StringComparison.Ordinal));
        Assert.Equal(5, pageA.LastSequence);
        Assert.Equal(5, pageB.LastSequence);
        Assert.Empty((await silo.Grains.GetGrain<IAuditLogGrain>(NewWorkspace()).ReadAsync(0, 100)).Entries);
        Assert.True((await logA.VerifyAsync()).Valid);
        Assert.True((await logB.VerifyAsync()).Valid);
    }

    [Fact]
    public async Task Deferred_and_durable_appends_made_concurrently_form_one_contiguous_chain_holding_each_record_once()
    {
        await using var silo = await StartAsync();
        var workspace = NewWorkspace();

        // Every 41st call is durable: 50 of 2,050, spread through the deferred ones.
        var results = await Task.WhenAll(Enumerable.Range(0, 2050).Select(i => Task.Run(async () =>
        {
            var log = silo.Grains.GetGrain<IAuditLogGrain>(workspace);
            if (i % 41 == 40)
            {
                return await log.AppendAsync(Record("tool.call", $"durable {i}", ("n", $"{i}")));
            }

            await log.AppendDeferredAsync(Record("model.call", $"deferred {i}", ("n", $"{i}")));
            return null;
        }, TestContext.Current.CancellationToken)));

        var log = silo.Grains.GetGrain<IAuditLogGrain>(workspace);
        var stored = await ReadAllAsync(log);
        Assert.Equal(Enumerable.Range(1, 2050).Select(static i => (long)i), stored.Select(static e => e.Sequence));
        Assert.Equal(Enumerable.Range(0, 2050), stored.Select(static e => int.Parse(e.Details["n"], CultureInfo.InvariantCulture)).Order());
        Assert.Equal(50, stored.Count(static e => e.Kind == "tool.call"));
        var durable = results.OfType<AuditEntry>().ToList();
        Assert.Equal(50, durable.Count);
        foreach (var entry in durable)
        {
            AssertSame(entry, stored[(int)entry.Sequence - 1]);
        }

        Assert.Equal(new AuditVerification(true, 2050, null, null), await log.VerifyAsync());
    }

    [Fact]
    public async Task Appends_arriving_while_an_activation_loads_its_tip_share_that_one_load_and_chain_onto_it()
    {
        var store = await StoreAsync();
        var workspace = NewWorkspace();
        AuditEntry last;
        await using (var first = await StartAsync(store))
        {
            var log = first.Grains.GetGrain<IAuditLogGrain>(workspace);
            await log.AppendAsync(Record("member.added", "member 1"));
            last = await log.AppendAsync(Record("member.added", "member 2"));
        }

        await using var silo = await StartControlledAsync(store);
        var journal = Journal(silo);
        var again = silo.Grains.GetGrain<IAuditLogGrain>(workspace);
        journal.HoldLastSequenceReads();
        var durable = again.AppendAsync(Record("key.created", "durable first"));
        await journal.LastSequenceReadReached;
        var deferred = Enumerable.Range(1, 20).Select(i => again.AppendDeferredAsync(Record("model.call", $"deferred {i}"))).ToList();
        journal.ReleaseLastSequenceReads();
        await Task.WhenAll([durable, .. deferred]);

        Assert.Equal(1, journal.LastSequenceReads);
        var stored = (await again.ReadAsync(0, 100)).Entries;
        Assert.Equal(Enumerable.Range(1, 23).Select(static i => (long)i), stored.Select(static e => e.Sequence));
        Assert.Equal(last.Hash, stored[2].PreviousHash);
        AssertSame(await durable, stored[(int)(await durable).Sequence - 1]);
        Assert.Equal(new AuditVerification(true, 23, null, null), await again.VerifyAsync());
    }

    [Fact]
    public async Task Deferred_appends_made_while_a_batch_is_written_share_the_next_journal_append()
    {
        await using var silo = await StartControlledAsync();
        var journal = Journal(silo);
        var workspace = NewWorkspace();
        var log = silo.Grains.GetGrain<IAuditLogGrain>(workspace);

        journal.Hold();
        await log.AppendDeferredAsync(Record("model.call", "call 0"));
        await journal.Reached;
        await Task.WhenAll(Enumerable.Range(1, 199).Select(i => Task.Run(
            () => silo.Grains.GetGrain<IAuditLogGrain>(workspace).AppendDeferredAsync(Record("model.call", $"call {i}")),
            TestContext.Current.CancellationToken)));
        journal.Release();

        var page = await log.ReadAsync(0, 1000);
        Assert.Equal(200, page.Entries.Length);
        Assert.Equal(200, page.Entries.Select(static e => e.Summary).Distinct().Count());
        Assert.Equal([1, 199], journal.Appends);
        Assert.Equal(new AuditVerification(true, 200, null, null), await log.VerifyAsync());
    }

    [Fact]
    public async Task A_read_right_after_deferred_appends_waits_for_their_batch_and_sees_them_all()
    {
        var probe = new SuspendedCallProbe();
        await using var silo = await StartControlledAsync(await StoreAsync(), extra: services => services.AddSingleton<IIncomingGrainCallFilter>(probe));
        var journal = Journal(silo);
        var log = silo.Grains.GetGrain<IAuditLogGrain>(NewWorkspace());

        journal.Hold();
        for (var i = 1; i <= 50; i++)
        {
            await log.AppendDeferredAsync(Record("model.call", $"call {i}"));
        }

        var read = log.ReadAsync(0, 100);

        // The read crosses the client: release the batch only once the read waits for it in the grain.
        await probe.Suspended(nameof(IAuditLogGrain.ReadAsync)).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.False(read.IsCompleted);
        journal.Release();

        var page = await read;
        Assert.Equal(Enumerable.Range(1, 50).Select(static i => $"call {i}"), page.Entries.Select(static e => e.Summary));
        Assert.Equal(50, page.LastSequence);

        for (var i = 51; i <= 60; i++)
        {
            await log.AppendDeferredAsync(Record("model.call", $"call {i}"));
        }

        Assert.Equal(new AuditVerification(true, 60, null, null), await log.VerifyAsync());
    }

    [Fact]
    public async Task Idle_collection_writes_the_pending_deferred_appends_before_the_activation_goes()
    {
        var probe = new DeactivationProbe();
        await using var silo = await StartControlledAsync(await StoreAsync(), extra: services => services.AddSingleton<IActivationWorkingSetObserver>(probe));
        var journal = Journal(silo);
        var log = silo.Grains.GetGrain<IAuditLogGrain>(NewWorkspace());

        journal.Hold();
        await log.AppendDeferredAsync(Record("model.call", "call 1"));
        await journal.Reached;
        for (var i = 2; i <= 100; i++)
        {
            await log.AppendDeferredAsync(Record("model.call", $"call {i}"));
        }

        // A flush is no request, so the activation is idle while its batch is held: a collection pass of every idle
        // activation takes it. Idle collection runs on real time, so force a pass (it returns once the deactivation it
        // started is over, which waits for the held batch) and wait for the runtime to start deactivating the log.
        var deactivated = silo.Cluster.WaitForDeactivationAsync(log);
        var collecting = silo.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero, TestContext.Current.CancellationToken);
        await probe.Deactivating(log.GetGrainId()).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.False(deactivated.IsCompleted);

        // This read waits for the deactivation and then reaches a fresh activation, which knows only what storage holds.
        var read = log.ReadAsync(0, 1000);
        journal.Release();

        await deactivated.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        await collecting.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        var page = await read;
        Assert.Equal(Enumerable.Range(1, 100).Select(static i => $"call {i}"), page.Entries.Select(static e => e.Summary));
        Assert.Equal([1, 99], journal.Appends);
        Assert.Equal(new AuditVerification(true, 100, null, null), await log.VerifyAsync());
    }

    [Fact]
    public async Task Silo_shutdown_writes_the_pending_deferred_appends_and_the_next_silo_continues_the_chain()
    {
        var store = await StoreAsync();
        var workspace = NewWorkspace();
        await using (var first = await StartControlledAsync(store))
        {
            var journal = Journal(first);
            var log = first.Grains.GetGrain<IAuditLogGrain>(workspace);
            journal.Hold();
            await log.AppendDeferredAsync(Record("model.call", "call 1"));
            await journal.Reached;
            for (var i = 2; i <= 100; i++)
            {
                await log.AppendDeferredAsync(Record("model.call", $"call {i}"));
            }

            var stopping = first.StopAsync();
            journal.Release();
            await stopping;
            Assert.Equal([1, 99], journal.Appends);
        }

        await using var second = await StartAsync(store);
        var again = second.Grains.GetGrain<IAuditLogGrain>(workspace);
        var next = await again.AppendAsync(Record("key.created", "after the restart"));

        var stored = (await again.ReadAsync(0, 1000)).Entries;
        Assert.Equal([.. Enumerable.Range(1, 100).Select(static i => $"call {i}"), "after the restart"], stored.Select(static e => e.Summary));
        Assert.Equal(101, next.Sequence);
        Assert.Equal(new AuditVerification(true, 101, null, null), await again.VerifyAsync());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_failed_batch_fails_the_durable_append_waiting_for_it_and_the_next_activation_continues_from_storage(bool storedAnyway)
    {
        var logs = new CapturedLogs();
        await using var silo = await StartControlledAsync(await StoreAsync(), logs);
        var journal = Journal(silo);
        var workspace = NewWorkspace();
        var log = silo.Grains.GetGrain<IAuditLogGrain>(workspace);
        await log.AppendAsync(Record("key.created", "before"));

        journal.Hold();
        var waiting = log.AppendAsync(Record("key.created", "in the failed batch"));
        await journal.Reached;
        await log.AppendDeferredAsync(Record("model.call", "queued behind it"));
        journal.Fail(new StorageUnavailableException("The journal is down."), storeFirst: storedAnyway);

        var error = await Assert.ThrowsAsync<StorageUnavailableException>(() => waiting);
        Assert.Equal("The journal is down.", error.Message);
        var next = await log.AppendAsync(Record("key.created", "after"));

        // Without an acknowledgement the activation cannot know whether storage kept the batch; the next one asks storage.
        var stored = (await log.ReadAsync(0, 100)).Entries;
        Assert.Equal(storedAnyway ? ["before", "in the failed batch", "after"] : ["before", "after"], stored.Select(static e => e.Summary));
        Assert.Equal(stored.Length, next.Sequence);
        Assert.Equal(stored[^2].Hash, next.PreviousHash);
        Assert.Equal(new AuditVerification(true, stored.Length, null, null), await log.VerifyAsync());

        var failure = Assert.Single(logs.Entries, static e => e.EventId.Id == FlushFailedEventId);
        Assert.Equal(LogLevel.Error, failure.Level);
        Assert.Contains(workspace, failure.Message, StringComparison.Ordinal);
        Assert.Contains("entries 2 to 3 (2 entries)", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("in the failed batch", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("queued behind it", failure.Message, StringComparison.Ordinal);
        // The caller's exception crossed the wire (a copy); the logged one is the original on the silo.
        Assert.IsType<StorageUnavailableException>(failure.Exception);
        Assert.Equal(error.Message, failure.Exception.Message);
    }

    [Fact]
    public async Task A_deferred_append_on_a_stale_activation_is_refused_by_the_journal_and_its_reader_is_told()
    {
        var store = await StoreAsync();
        var workspace = NewWorkspace();
        // Two clusters over one store: two machines that each believe they own the workspace (a split cluster).
        await using var nodeA = await StartAsync(store, silos: 1);
        var probe = new SuspendedCallProbe();
        await using var nodeB = await StartControlledAsync(store, extra: services => services.AddSingleton<IIncomingGrainCallFilter>(probe));
        var journalB = Journal(nodeB);
        var onA = nodeA.Grains.GetGrain<IAuditLogGrain>(workspace);
        var onB = nodeB.Grains.GetGrain<IAuditLogGrain>(workspace);

        var b1 = await onB.AppendAsync(Record("tool.call", "b1"));
        var a1 = await onA.AppendAsync(Record("tool.call", "a1"));
        journalB.Hold();
        await onB.AppendDeferredAsync(Record("model.call", "b-lost"));
        await journalB.Reached;
        var read = onB.ReadAsync(0, 100);

        // The read crosses the client: release the journal only once the read waits in the grain for the held batch.
        await probe.Suspended(nameof(IAuditLogGrain.ReadAsync)).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        journalB.Release();

        await Assert.ThrowsAsync<InconsistentStateException>(() => read);
        var b2 = await onB.AppendAsync(Record("tool.call", "b2"));

        Assert.Equal((1L, 2L, 3L), (b1.Sequence, a1.Sequence, b2.Sequence));
        Assert.Equal(a1.Hash, b2.PreviousHash);
        Assert.Equal(["b1", "a1", "b2"], (await onA.ReadAsync(0, 100)).Entries.Select(static e => e.Summary));
        Assert.Equal(new AuditVerification(true, 3, null, null), await onB.VerifyAsync());
    }

    private async Task<PlatformTestCluster> StartAsync() => await StartAsync(await StoreAsync());

    private static Task<PlatformTestCluster> StartAsync(Action<IServiceCollection> store, short silos = 2) =>
        GrainsCluster.StartAsync(store, silos: silos);

    private async Task<PlatformTestCluster> StartControlledAsync() => await StartControlledAsync(await StoreAsync());

    /// <summary>
    /// Starts one silo whose journal is a <see cref="ControlledJournal"/> over <paramref name="store"/>: one, because each
    /// silo has its own journal and the test holds the one its grain uses.
    /// </summary>
    private static Task<PlatformTestCluster> StartControlledAsync(Action<IServiceCollection> store, CapturedLogs? logs = null, Action<IServiceCollection>? extra = null) =>
        GrainsCluster.StartAsync(
            services =>
            {
                store(services);
                ControlledJournal.Decorate(services);
                logs?.AddTo(services);
                extra?.Invoke(services);
            },
            silos: 1);

    private static ControlledJournal Journal(PlatformTestCluster silo) => (ControlledJournal)silo.Services.GetRequiredService<IJournalStorage>();

    private static async Task<List<AuditEntry>> ReadAllAsync(IAuditLogGrain log)
    {
        var all = new List<AuditEntry>();
        while (true)
        {
            var page = await log.ReadAsync(all.Count == 0 ? 0 : all[^1].Sequence, AuditLogGrain.MaxReadLimit);
            if (page.Entries.IsEmpty)
            {
                return all;
            }

            all.AddRange(page.Entries);
        }
    }

    private static string NewWorkspace() => $"ws-{Guid.NewGuid():N}";

    private static string Stream(string workspace) => $"audit/{workspace}";

    private static AuditRecord Record(string kind, string summary, params (string Key, string Value)[] details) =>
        new(kind, "user:42", summary, details.ToImmutableSortedDictionary(static d => d.Key, static d => d.Value, StringComparer.Ordinal));

    private static void AssertSame(AuditEntry expected, AuditEntry actual)
    {
        Assert.Equal(expected with { Details = ImmutableSortedDictionary<string, string>.Empty }, actual with { Details = ImmutableSortedDictionary<string, string>.Empty });
        Assert.Equal(expected.Details, actual.Details);
    }
}
