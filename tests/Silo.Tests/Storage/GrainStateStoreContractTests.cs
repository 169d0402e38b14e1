using System.Diagnostics.Metrics;
using System.Text;

using Platform.Silo.Storage;

namespace Platform.Silo.Tests.Storage;

/// <summary>The <see cref="IGrainStateStore"/> contract (bytes and ETags under Orleans' grain storage), run against every provider.</summary>
public abstract class GrainStateStoreContractTests : IAsyncLifetime
{
    private const string StateName = "state";

    private StorageHost? _host;

    private IGrainStateStore Storage => _host!.Store;

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
    public async Task Written_state_reads_back_with_the_returned_etag()
    {
        var grain = NewGrain();

        var etag = await Storage.WriteAsync(grain, StateName, Bytes("hello"), null, Cancellation);
        var stored = await Storage.ReadAsync(grain, StateName, Cancellation);

        Assert.NotNull(stored);
        Assert.Equal("hello", Text(stored.Payload));
        Assert.Equal(etag, stored.Etag);
    }

    [Fact]
    public async Task Reading_a_state_never_written_returns_null()
    {
        Assert.Null(await Storage.ReadAsync(NewGrain(), StateName, Cancellation));
    }

    [Fact]
    public async Task States_of_one_grain_are_kept_apart_by_name()
    {
        var grain = NewGrain();

        await Storage.WriteAsync(grain, "profile", Bytes("p"), null, Cancellation);
        await Storage.WriteAsync(grain, "budget", Bytes("b"), null, Cancellation);

        Assert.Equal("p", Text((await Storage.ReadAsync(grain, "profile", Cancellation))!.Payload));
        Assert.Equal("b", Text((await Storage.ReadAsync(grain, "budget", Cancellation))!.Payload));
    }

    [Fact]
    public async Task Each_write_returns_a_new_etag_that_the_next_write_must_carry()
    {
        var grain = NewGrain();

        var first = await Storage.WriteAsync(grain, StateName, Bytes("1"), null, Cancellation);
        var second = await Storage.WriteAsync(grain, StateName, Bytes("2"), first, Cancellation);
        var third = await Storage.WriteAsync(grain, StateName, Bytes("3"), second, Cancellation);

        Assert.Equal(3, new[] { first, second, third }.Distinct().Count());
        Assert.Equal("3", Text((await Storage.ReadAsync(grain, StateName, Cancellation))!.Payload));
    }

    [Fact]
    public async Task Creating_a_state_that_already_exists_is_refused()
    {
        var grain = NewGrain();
        var etag = await Storage.WriteAsync(grain, StateName, Bytes("first"), null, Cancellation);

        var conflict = await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteAsync(grain, StateName, Bytes("second"), null, Cancellation));

        Assert.Equal(etag, conflict.StoredEtag);
        Assert.Equal("first", Text((await Storage.ReadAsync(grain, StateName, Cancellation))!.Payload));
    }

    [Fact]
    public async Task Write_with_stale_etag_is_refused_and_the_winner_stays_stored()
    {
        var grain = NewGrain();
        var original = await Storage.WriteAsync(grain, StateName, Bytes("original"), null, Cancellation);
        var winner = await Storage.WriteAsync(grain, StateName, Bytes("winner"), original, Cancellation);

        var conflict = await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteAsync(grain, StateName, Bytes("loser"), original, Cancellation));

        // Orleans' exception carries only the two ETags; the message names what conflicted, for the log.
        Assert.Contains(grain.ToString(), conflict.Message, StringComparison.Ordinal);
        Assert.Contains($"'{StateName}'", conflict.Message, StringComparison.Ordinal);
        Assert.Equal(original, conflict.CurrentEtag);
        Assert.Equal(winner, conflict.StoredEtag);
        var stored = await Storage.ReadAsync(grain, StateName, Cancellation);
        Assert.Equal("winner", Text(stored!.Payload));
        Assert.Equal(winner, stored.Etag);
    }

    [Fact]
    public async Task Two_writers_from_the_same_etag_exactly_one_wins()
    {
        var grain = NewGrain();
        var original = await Storage.WriteAsync(grain, StateName, Bytes("original"), null, Cancellation);

        var outcomes = await Task.WhenAll(
            Attempt(() => Storage.WriteAsync(grain, StateName, Bytes("a"), original, Cancellation)),
            Attempt(() => Storage.WriteAsync(grain, StateName, Bytes("b"), original, Cancellation)));

        Assert.Single(outcomes, static o => o.Etag is not null);
        Assert.Single(outcomes, static o => o.Error is InconsistentStateException);
        var winner = outcomes[0].Etag is not null ? "a" : "b";
        Assert.Equal(winner, Text((await Storage.ReadAsync(grain, StateName, Cancellation))!.Payload));
    }

    [Fact]
    public async Task Writes_queued_together_on_one_record_apply_in_call_order()
    {
        var grain = NewGrain();
        var original = await Storage.WriteAsync(grain, StateName, Bytes("original"), null, Cancellation);

        // Not awaited in between, so both normally share one batch; they must still behave as if sequential.
        var first = Storage.WriteAsync(grain, StateName, Bytes("first"), original, Cancellation);
        var second = Storage.WriteAsync(grain, StateName, Bytes("second"), original, Cancellation);

        var firstEtag = await first;
        var conflict = await Assert.ThrowsAsync<InconsistentStateException>(() => second);
        Assert.Equal(firstEtag, conflict.StoredEtag);
        Assert.Equal("first", Text((await Storage.ReadAsync(grain, StateName, Cancellation))!.Payload));
    }

    [Fact]
    public async Task Concurrent_writers_racing_on_one_record_from_the_same_etag_exactly_one_wins()
    {
        var grain = NewGrain();
        var original = await Storage.WriteAsync(grain, StateName, Bytes("original"), null, Cancellation);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 64).Select(i =>
            Task.Run(() => Attempt(() => Storage.WriteAsync(grain, StateName, Bytes($"writer-{i}"), original, Cancellation)), Cancellation)));

        var winners = outcomes.Select(static (o, i) => (o, i)).Where(static x => x.o.Etag is not null).ToList();
        var (winner, index) = Assert.Single(winners);
        Assert.All(outcomes.Where(static o => o.Etag is null), static o => Assert.IsType<InconsistentStateException>(o.Error));
        var stored = await Storage.ReadAsync(grain, StateName, Cancellation);
        Assert.Equal($"writer-{index}", Text(stored!.Payload));
        Assert.Equal(winner.Etag, stored.Etag);
    }

    [Fact]
    public async Task Many_grains_writing_concurrently_all_keep_their_last_write()
    {
        var grains = Enumerable.Range(0, 64).Select(_ => NewGrain()).ToArray();

        await Task.WhenAll(grains.Select(grain => Task.Run(async () =>
        {
            string? etag = null;
            for (var i = 0; i < 50; i++)
            {
                etag = await Storage.WriteAsync(grain, StateName, Bytes($"{grain.Key}:{i}"), etag, Cancellation);
            }
        }, Cancellation)));

        foreach (var grain in grains)
        {
            Assert.Equal($"{grain.Key}:49", Text((await Storage.ReadAsync(grain, StateName, Cancellation))!.Payload));
        }
    }

    [Fact]
    public async Task Cleared_state_reads_back_with_no_payload_and_a_fresh_etag()
    {
        var grain = NewGrain();
        var written = await Storage.WriteAsync(grain, StateName, Bytes("doomed"), null, Cancellation);

        var cleared = await Storage.ClearAsync(grain, StateName, written, Cancellation);
        var stored = await Storage.ReadAsync(grain, StateName, Cancellation);

        Assert.NotNull(cleared);
        Assert.NotEqual(written, cleared);
        Assert.NotNull(stored);
        Assert.Null(stored.Payload);
        Assert.Equal(cleared, stored.Etag);
        var rewritten = await Storage.WriteAsync(grain, StateName, Bytes("reborn"), cleared, Cancellation);
        Assert.Equal("reborn", Text((await Storage.ReadAsync(grain, StateName, Cancellation))!.Payload));
        Assert.NotEqual(cleared, rewritten);
    }

    [Fact]
    public async Task Stale_writer_after_a_clear_is_refused()
    {
        var grain = NewGrain();
        var written = await Storage.WriteAsync(grain, StateName, Bytes("doomed"), null, Cancellation);
        var cleared = await Storage.ClearAsync(grain, StateName, written, Cancellation);

        var staleWrite = await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteAsync(grain, StateName, Bytes("stale"), written, Cancellation));
        var staleClear = await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.ClearAsync(grain, StateName, written, Cancellation));
        var staleCreate = await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteAsync(grain, StateName, Bytes("stale"), null, Cancellation));

        Assert.Equal(cleared, staleWrite.StoredEtag);
        Assert.Equal(cleared, staleClear.StoredEtag);
        Assert.Equal(cleared, staleCreate.StoredEtag);
        Assert.Null((await Storage.ReadAsync(grain, StateName, Cancellation))!.Payload);
    }

    [Fact]
    public async Task Clearing_a_state_never_written_returns_null_and_stores_nothing()
    {
        var grain = NewGrain();

        Assert.Null(await Storage.ClearAsync(grain, StateName, null, Cancellation));
        Assert.Null(await Storage.ReadAsync(grain, StateName, Cancellation));
    }

    [Fact]
    public async Task Clear_with_a_made_up_etag_is_refused()
    {
        var grain = NewGrain();
        var written = await Storage.WriteAsync(grain, StateName, Bytes("kept"), null, Cancellation);

        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.ClearAsync(grain, StateName, "not-an-etag", Cancellation));

        var stored = await Storage.ReadAsync(grain, StateName, Cancellation);
        Assert.Equal("kept", Text(stored!.Payload));
        Assert.Equal(written, stored.Etag);
    }

    [Fact]
    public async Task Large_state_round_trips_intact()
    {
        var grain = NewGrain();
        var payload = new byte[8 * 1024 * 1024];
        new Random(42).NextBytes(payload);

        var etag = await Storage.WriteAsync(grain, StateName, payload, null, Cancellation);
        var stored = await Storage.ReadAsync(grain, StateName, Cancellation);

        Assert.Equal(etag, stored!.Etag);
        Assert.True(payload.AsSpan().SequenceEqual(stored.Payload), "the 8 MB state read back differs from what was written");
    }

    [Fact]
    public async Task Refused_writes_and_clears_are_counted_as_etag_conflicts()
    {
        var grain = NewGrain();
        var original = await Storage.WriteAsync(grain, StateName, Bytes("original"), null, Cancellation);
        await Storage.WriteAsync(grain, StateName, Bytes("newer"), original, Cancellation);
        long conflicts = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            // Only this host's instrument: other tests running beside this one have conflicts of their own.
            if (ReferenceEquals(instrument, _host!.Metrics.EtagConflicts))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref conflicts, value));
        listener.Start();

        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteAsync(grain, StateName, Bytes("stale"), original, Cancellation));
        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.ClearAsync(grain, StateName, original, Cancellation));

        Assert.Equal(2, Interlocked.Read(ref conflicts));
    }

    [Fact]
    public async Task Reads_writes_and_clears_are_timed_by_provider_and_operation()
    {
        var operations = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument, _host!.Metrics.StorageDuration))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, _, tags, _) =>
        {
            string? provider = null, operation = null;
            foreach (var tag in tags)
            {
                provider = tag.Key == "storage.provider" ? tag.Value as string : provider;
                operation = tag.Key == "storage.operation" ? tag.Value as string : operation;
            }

            operations.Enqueue($"{provider}:{operation}");
        });
        listener.Start();
        var grain = NewGrain();

        var etag = await Storage.WriteAsync(grain, StateName, Bytes("timed"), null, Cancellation);
        await Storage.ReadAsync(grain, StateName, Cancellation);
        await Storage.ClearAsync(grain, StateName, etag, Cancellation);

        var seen = operations.ToArray();
        Assert.All(seen, o => Assert.StartsWith(Storage.ProviderName + ":", o, StringComparison.Ordinal));
        Assert.Contains($"{Storage.ProviderName}:read", seen);
        Assert.True(seen.Length >= 3, $"expected a measurement for the write, the read and the clear; got {string.Join(", ", seen)}");
    }

    private static GrainId NewGrain() => GrainId.Create("contract", Guid.NewGuid().ToString("N"));

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static string? Text(byte[]? bytes) => bytes is null ? null : Encoding.UTF8.GetString(bytes);

    private static async Task<(string? Etag, Exception? Error)> Attempt(Func<Task<string>> write)
    {
        try
        {
            return (await write(), null);
        }
        catch (Exception ex)
        {
            return (null, ex);
        }
    }
}
