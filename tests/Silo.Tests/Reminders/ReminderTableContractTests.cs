using Platform.Silo.Tests.Storage;

namespace Platform.Silo.Tests.Reminders;

/// <summary>
/// Orleans' <see cref="IReminderTable"/> contract, as its reminder service relies on it, run against the project's
/// SQLite and PostgreSQL tables: every upsert gives a new ETag, a row is removed only with its current ETag, and
/// each silo reads its range (begin, end] of the hash ring, the whole ring wrapping round when begin ≥ end.
/// </summary>
public abstract class ReminderTableContractTests : IAsyncLifetime
{
    private static readonly DateTime s_due = new(2026, 1, 1, 12, 30, 15, 250, DateTimeKind.Utc);

    private StorageHost? _host;

    private IReminderTable Table => _host!.Reminders;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _host = await StartHostAsync();

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        await CleanUpAsync();
        GC.SuppressFinalize(this);
    }

    protected abstract Task<StorageHost> StartHostAsync();

    /// <summary>A host over a store the old runtime wrote <paramref name="rows"/> into, with its old reminder schema.</summary>
    protected abstract Task<StorageHost> StartOnLegacyRowsAsync(IReadOnlyList<LegacyReminder> rows);

    protected virtual ValueTask CleanUpAsync() => ValueTask.CompletedTask;

    [Fact]
    public async Task Upserted_row_reads_back_with_the_returned_etag()
    {
        var grain = NewGrain();

        var etag = await Table.UpsertRow(Entry(grain, "tick", s_due, TimeSpan.FromMinutes(5)), Ct);
        var row = await Table.ReadRow(grain, "tick", Ct);

        Assert.NotNull(etag);
        Assert.NotNull(row);
        Assert.Equal(grain, row.GrainId);
        Assert.Equal("tick", row.ReminderName);
        Assert.Equal(s_due, row.StartAt);
        Assert.Equal(DateTimeKind.Utc, row.StartAt.Kind);
        Assert.Equal(TimeSpan.FromMinutes(5), row.Period);
        Assert.Equal(etag, row.ETag);
    }

    [Fact]
    public async Task Reading_a_row_never_written_returns_null()
    {
        Assert.Null(await Table.ReadRow(NewGrain(), "none", Ct));
        Assert.Empty((await Table.ReadRows(NewGrain(), Ct)).Reminders);
    }

    [Fact]
    public async Task Every_upsert_returns_a_new_etag_and_replaces_the_row()
    {
        var grain = NewGrain();

        var first = await Table.UpsertRow(Entry(grain, "tick", s_due, TimeSpan.FromMinutes(1)), Ct);
        var second = await Table.UpsertRow(Entry(grain, "tick", s_due.AddHours(1), TimeSpan.FromMinutes(2)), Ct);
        var third = await Table.UpsertRow(Entry(grain, "tick", s_due.AddHours(2), TimeSpan.FromMinutes(3)), Ct);

        Assert.Equal(3, new[] { first, second, third }.Distinct().Count());
        var row = Assert.Single((await Table.ReadRows(grain, Ct)).Reminders);
        Assert.Equal(third, row.ETag);
        Assert.Equal(s_due.AddHours(2), row.StartAt);
        Assert.Equal(TimeSpan.FromMinutes(3), row.Period);
    }

    [Fact]
    public async Task Reading_a_grains_rows_returns_all_of_its_reminders_and_no_other_grains()
    {
        var grain = NewGrain();
        var other = NewGrain();
        await Table.UpsertRow(Entry(grain, "a", s_due, TimeSpan.FromMinutes(1)), Ct);
        await Table.UpsertRow(Entry(grain, "b", s_due, TimeSpan.FromMinutes(2)), Ct);
        await Table.UpsertRow(Entry(other, "a", s_due, TimeSpan.FromMinutes(3)), Ct);

        var rows = (await Table.ReadRows(grain, Ct)).Reminders;

        Assert.Equal(["a", "b"], rows.Select(static r => r.ReminderName).Order(StringComparer.Ordinal));
        Assert.All(rows, r => Assert.Equal(grain, r.GrainId));
        Assert.Equal("a", Assert.Single((await Table.ReadRows(other, Ct)).Reminders).ReminderName);
    }

    [Fact]
    public async Task A_ring_range_holds_the_grains_hashed_after_its_begin_up_to_and_including_its_end()
    {
        var grains = await SpreadOverTheRingAsync();
        var hashes = grains.Select(static g => g.GetUniformHashCode()).ToArray();

        // (hash of grain 1, hash of grain 4]: grain 1 itself is outside, grain 4 inside.
        var rows = await MineAsync(grains, hashes[1], hashes[4]);

        Assert.Equal([grains[2], grains[3], grains[4]], rows);
    }

    [Fact]
    public async Task A_ring_range_whose_begin_is_not_below_its_end_wraps_round_zero()
    {
        var grains = await SpreadOverTheRingAsync();
        var hashes = grains.Select(static g => g.GetUniformHashCode()).ToArray();

        var wrapped = await MineAsync(grains, hashes[4], hashes[1]);
        var whole = await MineAsync(grains, hashes[3], hashes[3]);
        var fromZero = await MineAsync(grains, 0, 0);

        Assert.Equal([grains[0], grains[1], grains[5], grains[6], grains[7]], wrapped);
        Assert.Equal(grains, whole);
        Assert.Equal(grains, fromZero);
    }

    [Fact]
    public async Task Removing_with_the_current_etag_removes_the_row_once()
    {
        var grain = NewGrain();
        var etag = await Table.UpsertRow(Entry(grain, "tick", s_due, TimeSpan.FromMinutes(1)), Ct);

        Assert.True(await Table.RemoveRow(grain, "tick", etag!, Ct));
        Assert.False(await Table.RemoveRow(grain, "tick", etag!, Ct));
        Assert.Null(await Table.ReadRow(grain, "tick", Ct));
    }

    [Fact]
    public async Task Removing_with_a_stale_or_made_up_etag_leaves_the_row()
    {
        var grain = NewGrain();
        var stale = await Table.UpsertRow(Entry(grain, "tick", s_due, TimeSpan.FromMinutes(1)), Ct);
        var current = await Table.UpsertRow(Entry(grain, "tick", s_due, TimeSpan.FromMinutes(2)), Ct);

        Assert.False(await Table.RemoveRow(grain, "tick", stale!, Ct));
        Assert.False(await Table.RemoveRow(grain, "tick", "not-an-etag", Ct));
        Assert.False(await Table.RemoveRow(grain, "other", current!, Ct));

        Assert.Equal(current, (await Table.ReadRow(grain, "tick", Ct))!.ETag);
    }

    [Fact]
    public async Task An_etag_from_before_a_remove_does_not_remove_the_reminder_registered_again()
    {
        var grain = NewGrain();
        var before = await Table.UpsertRow(Entry(grain, "tick", s_due, TimeSpan.FromMinutes(1)), Ct);
        Assert.True(await Table.RemoveRow(grain, "tick", before!, Ct));

        var again = await Table.UpsertRow(Entry(grain, "tick", s_due, TimeSpan.FromMinutes(1)), Ct);

        Assert.NotEqual(before, again);
        Assert.False(await Table.RemoveRow(grain, "tick", before!, Ct));
        Assert.Equal(again, (await Table.ReadRow(grain, "tick", Ct))!.ETag);
    }

    [Fact]
    public async Task Rows_written_by_the_old_runtime_read_back_and_can_be_updated_and_removed()
    {
        var key = Guid.NewGuid().ToString("N");
        var periodic = new LegacyReminder("legacy", key, "tick", new DateTimeOffset(s_due), 300_000);
        var oneShot = new LegacyReminder("legacy", key, "once", new DateTimeOffset(s_due).AddMinutes(10), -1);
        await using var legacy = await StartOnLegacyRowsAsync([periodic, oneShot]);
        var grain = GrainId.Create("legacy", key);

        var rows = (await legacy.Reminders.ReadRows(grain, Ct)).Reminders.OrderBy(static r => r.ReminderName, StringComparer.Ordinal).ToList();

        Assert.Equal(["once", "tick"], rows.Select(static r => r.ReminderName));
        Assert.Equal(s_due.AddMinutes(10), rows[0].StartAt);
        Assert.Equal(TimeSpan.FromMinutes(1), rows[0].Period);
        Assert.Equal(s_due, rows[1].StartAt);
        Assert.Equal(TimeSpan.FromMinutes(5), rows[1].Period);

        // The migration filled in the ring hash: the silo owning the grain's range finds them.
        var hash = grain.GetUniformHashCode();
        Assert.Equal(2, (await legacy.Reminders.ReadRows(hash - 1, hash, Ct)).Reminders.Count(r => r.GrainId == grain));
        Assert.DoesNotContain((await legacy.Reminders.ReadRows(hash, hash + 1, Ct)).Reminders, r => r.GrainId == grain);

        var updated = await legacy.Reminders.UpsertRow(Entry(grain, "tick", s_due.AddDays(1), TimeSpan.FromMinutes(5)), Ct);
        Assert.NotEqual(rows[1].ETag, updated);
        Assert.True(await legacy.Reminders.RemoveRow(grain, "once", rows[0].ETag!, Ct));
        Assert.Equal("tick", Assert.Single((await legacy.Reminders.ReadRows(grain, Ct)).Reminders).ReminderName);
    }

    private static GrainId NewGrain() => GrainId.Create("reminder-contract", Guid.NewGuid().ToString("N"));

    private static ReminderEntry Entry(GrainId grain, string name, DateTime startAt, TimeSpan period) =>
        new() { GrainId = grain, ReminderName = name, StartAt = startAt, Period = period };

    // Eight grains sorted by ring position, none sharing one, each with a reminder.
    private async Task<GrainId[]> SpreadOverTheRingAsync()
    {
        var grains = Enumerable.Range(0, 8).Select(static _ => NewGrain()).DistinctBy(static g => g.GetUniformHashCode()).OrderBy(static g => g.GetUniformHashCode()).ToArray();
        Assert.Equal(8, grains.Length);
        foreach (var grain in grains)
        {
            await Table.UpsertRow(Entry(grain, "ring", s_due, TimeSpan.FromMinutes(1)), Ct);
        }

        return grains;
    }

    // Other tests share the table, so only this test's grains count; sorted by ring position like the grains.
    private async Task<GrainId[]> MineAsync(GrainId[] grains, uint begin, uint end) =>
        [.. (await Table.ReadRows(begin, end, Ct)).Reminders.Select(static r => r.GrainId).Where(grains.Contains).OrderBy(static g => g.GetUniformHashCode())];
}
