using System.Text;

using Platform.Silo.Journal;

namespace Platform.Silo.Tests.Storage;

/// <summary>The <see cref="IJournalStorage"/> contract, run against every provider.</summary>
public abstract class JournalStorageContractTests : IAsyncLifetime
{
    private StorageHost? _host;

    private IJournalStorage Journal => _host!.Journal;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

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

    protected virtual ValueTask CleanUpAsync() => ValueTask.CompletedTask;

    [Fact]
    public async Task Appended_entries_read_back_in_order_with_their_sequences()
    {
        var stream = NewStream();

        Assert.Equal(1, await Journal.AppendAsync(stream, 0, [Bytes("a")], Cancellation));
        Assert.Equal(4, await Journal.AppendAsync(stream, 1, [Bytes("b"), Bytes("c"), Bytes("d")], Cancellation));

        var entries = await Journal.ReadAsync(stream, 0, 100, Cancellation);
        Assert.Equal([1L, 2, 3, 4], entries.Select(static e => e.Sequence));
        Assert.Equal(["a", "b", "c", "d"], entries.Select(static e => Text(e.Payload)));
    }

    [Fact]
    public async Task Append_after_a_sequence_the_stream_has_not_reached_is_refused_so_no_gap_can_form()
    {
        var stream = NewStream();
        await Journal.AppendAsync(stream, 0, [Bytes("a")], Cancellation);

        await Assert.ThrowsAsync<InconsistentStateException>(() => Journal.AppendAsync(stream, 5, [Bytes("gap")], Cancellation));

        Assert.Equal(1, await Journal.GetLastSequenceAsync(stream, Cancellation));
        Assert.Equal(["a"], (await Journal.ReadAsync(stream, 0, 100, Cancellation)).Select(static e => Text(e.Payload)));
    }

    [Fact]
    public async Task Stale_expected_sequence_is_refused_and_none_of_its_entries_is_stored()
    {
        var stream = NewStream();
        await Journal.AppendAsync(stream, 0, [Bytes("a"), Bytes("b")], Cancellation);

        var conflict = await Assert.ThrowsAsync<InconsistentStateException>(
            () => Journal.AppendAsync(stream, 1, [Bytes("x"), Bytes("y"), Bytes("z")], Cancellation));

        Assert.Contains(stream, conflict.Message, StringComparison.Ordinal);
        Assert.Equal(["a", "b"], (await Journal.ReadAsync(stream, 0, 100, Cancellation)).Select(static e => Text(e.Payload)));
        Assert.Equal(2, await Journal.GetLastSequenceAsync(stream, Cancellation));
    }

    [Fact]
    public async Task Thirty_two_appenders_racing_from_the_same_sequence_exactly_one_wins()
    {
        var stream = NewStream();
        await Journal.AppendAsync(stream, 0, [Bytes("first")], Cancellation);
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var attempts = Enumerable.Range(0, 32).Select(i => Task.Run(async () =>
        {
            await start.Task;
            try
            {
                await Journal.AppendAsync(stream, 1, [Bytes($"racer {i}"), Bytes($"racer {i} again")], Cancellation);
                return (Racer: i, Error: (Exception?)null);
            }
            catch (Exception ex)
            {
                return (Racer: i, Error: ex);
            }
        }, Cancellation)).ToArray();
        start.SetResult();
        var outcomes = await Task.WhenAll(attempts);

        var winner = Assert.Single(outcomes, static o => o.Error is null);
        Assert.All(outcomes.Where(static o => o.Error is not null), static o => Assert.IsType<InconsistentStateException>(o.Error));
        var stored = await Journal.ReadAsync(stream, 0, 100, Cancellation);
        Assert.Equal(["first", $"racer {winner.Racer}", $"racer {winner.Racer} again"], stored.Select(static e => Text(e.Payload)));
        Assert.Equal([1L, 2, 3], stored.Select(static e => e.Sequence));
    }

    [Fact]
    public async Task Many_streams_appended_concurrently_each_stay_contiguous_and_apart()
    {
        var streams = Enumerable.Range(0, 40).Select(static _ => NewStream()).ToArray();

        await Task.WhenAll(streams.Select(stream => Task.Run(async () =>
        {
            for (var i = 0; i < 10; i++)
            {
                Assert.Equal(i + 1, await Journal.AppendAsync(stream, i, [Bytes($"{stream}:{i + 1}")], Cancellation));
            }
        }, Cancellation)));

        foreach (var stream in streams)
        {
            var entries = await Journal.ReadAsync(stream, 0, 100, Cancellation);
            Assert.Equal(Enumerable.Range(1, 10).Select(static i => (long)i), entries.Select(static e => e.Sequence));
            Assert.All(entries, e => Assert.Equal($"{stream}:{e.Sequence}", Text(e.Payload)));
        }
    }

    [Fact]
    public async Task Reads_page_through_a_stream_in_order()
    {
        var stream = NewStream();
        await Journal.AppendAsync(stream, 0, [.. Enumerable.Range(1, 25).Select(static i => (ReadOnlyMemory<byte>)Bytes($"e{i}"))], Cancellation);

        var pages = new List<IReadOnlyList<JournalEntry>>();
        long after = 0;
        while (true)
        {
            var page = await Journal.ReadAsync(stream, after, 10, Cancellation);
            if (page.Count == 0)
            {
                break;
            }

            pages.Add(page);
            after = page[^1].Sequence;
        }

        Assert.Equal([10, 10, 5], pages.Select(static p => p.Count));
        Assert.Equal(Enumerable.Range(1, 25).Select(static i => $"e{i}"), pages.SelectMany(static p => p).Select(static e => Text(e.Payload)));
        Assert.Equal([13L, 14], (await Journal.ReadAsync(stream, 12, 2, Cancellation)).Select(static e => e.Sequence));
    }

    [Fact]
    public async Task Last_sequence_is_zero_for_an_empty_stream_and_follows_appends()
    {
        var stream = NewStream();

        Assert.Equal(0, await Journal.GetLastSequenceAsync(stream, Cancellation));
        Assert.Empty(await Journal.ReadAsync(stream, 0, 10, Cancellation));
        await Journal.AppendAsync(stream, 0, [Bytes("a"), Bytes("b"), Bytes("c")], Cancellation);
        Assert.Equal(3, await Journal.GetLastSequenceAsync(stream, Cancellation));
    }

    [Fact]
    public async Task Deleting_a_stream_removes_it_alone_and_it_starts_again_from_one()
    {
        var doomed = NewStream();
        var kept = NewStream();
        await Journal.AppendAsync(doomed, 0, [Bytes("a"), Bytes("b")], Cancellation);
        await Journal.AppendAsync(kept, 0, [Bytes("k")], Cancellation);

        await Journal.DeleteStreamAsync(doomed, Cancellation);

        Assert.Equal(0, await Journal.GetLastSequenceAsync(doomed, Cancellation));
        Assert.Empty(await Journal.ReadAsync(doomed, 0, 10, Cancellation));
        Assert.Equal(["k"], (await Journal.ReadAsync(kept, 0, 10, Cancellation)).Select(static e => Text(e.Payload)));
        Assert.Equal(1, await Journal.AppendAsync(doomed, 0, [Bytes("again")], Cancellation));
    }

    [Fact]
    public async Task Large_entries_round_trip_byte_for_byte()
    {
        var stream = NewStream();
        var large = new byte[6 * 1024 * 1024];
        new Random(17).NextBytes(large);
        var medium = new byte[512 * 1024];
        new Random(18).NextBytes(medium);

        await Journal.AppendAsync(stream, 0, [large, medium, large], Cancellation);

        var entries = await Journal.ReadAsync(stream, 0, 10, Cancellation);
        Assert.Equal(3, entries.Count);
        Assert.True(entries[0].Payload.AsSpan().SequenceEqual(large));
        Assert.True(entries[1].Payload.AsSpan().SequenceEqual(medium));
        Assert.True(entries[2].Payload.AsSpan().SequenceEqual(large));
    }

    [Fact]
    public async Task The_caller_may_reuse_its_buffer_once_the_append_is_queued()
    {
        var stream = NewStream();
        var buffer = Bytes("original");

        var append = Journal.AppendAsync(stream, 0, [buffer], Cancellation);
        buffer.AsSpan().Fill((byte)'x');
        await append;

        Assert.Equal("original", Text((await Journal.ReadAsync(stream, 0, 1, Cancellation))[0].Payload));
    }

    [Fact]
    public async Task Meaningless_calls_are_refused_before_touching_storage()
    {
        var stream = NewStream();

        await Assert.ThrowsAsync<ArgumentException>(() => Journal.AppendAsync(stream, 0, [], Cancellation));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Journal.AppendAsync(stream, -1, [Bytes("a")], Cancellation));
        await Assert.ThrowsAsync<ArgumentException>(() => Journal.AppendAsync("", 0, [Bytes("a")], Cancellation));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Journal.ReadAsync(stream, 0, 0, Cancellation));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Journal.ReadAsync(stream, -1, 10, Cancellation));
        Assert.Equal(0, await Journal.GetLastSequenceAsync(stream, Cancellation));
    }

    private static string NewStream() => $"contract/{Guid.NewGuid():N}";

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);
}
