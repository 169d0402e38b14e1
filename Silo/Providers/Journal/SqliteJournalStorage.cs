using System.Diagnostics;

using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

using Platform.Silo.Diagnostics;
using Platform.Silo.Storage;

namespace Platform.Silo.Journal;

/// <summary>
/// Journal streams in the SQLite file that holds grain state. Appends are group-committed by one writer on a dedicated
/// connection; because that writer holds SQLite's write lock for the whole batch, checking a stream's last sequence and
/// inserting after it cannot be interleaved with another writer, so conflicts are decided, not raced. Reads use pooled
/// connections, which WAL lets run beside the writer.
/// </summary>
internal sealed class SqliteJournalStorage : IJournalStorage, IStorageInitializer, IAsyncDisposable, IDisposable
{
    private const string LastSequenceSql = "SELECT coalesce(max(sequence), 0) FROM journal WHERE stream = $stream;";
    private const string InsertSql = "INSERT INTO journal (stream, sequence, payload) VALUES ($stream, $sequence, $payload);";
    private const string ReadSql = "SELECT sequence, payload FROM journal WHERE stream = $stream AND sequence > $after ORDER BY sequence LIMIT $limit;";
    private const string DeleteSql = "DELETE FROM journal WHERE stream = $stream;";

    private const int SqliteConstraint = 19;

    private readonly SqliteDatabase _database;
    private readonly SiloMetrics _metrics;
    private readonly ILogger<SqliteJournalStorage> _logger;
    private readonly JournalCommitQueue _queue;

    // Owned by the writer loop alone; rebuilt after a failure that may have broken it.
    private SqliteConnection? _writer;
    private SqliteCommand? _lastSequence;
    private SqliteCommand? _insert;

    public SqliteJournalStorage(SqliteDatabase database, SiloMetrics metrics, ILogger<SqliteJournalStorage> logger)
    {
        _database = database;
        _metrics = metrics;
        _logger = logger;
        _queue = new JournalCommitQueue(ApplyBatchAsync, database.Options.MaxWriteBatch);
    }

    /// <inheritdoc />
    public Task InitializeAsync(CancellationToken cancellationToken) => _database.EnsureInitializedAsync(cancellationToken);

    /// <inheritdoc />
    public async Task<long> AppendAsync(string stream, long expectedLastSequence, IReadOnlyList<ReadOnlyMemory<byte>> entries, CancellationToken cancellationToken = default)
    {
        JournalArguments.ValidateAppend(stream, expectedLastSequence, entries);
        var start = Stopwatch.GetTimestamp();
        try
        {
            var append = new PendingAppend(stream, expectedLastSequence, JournalArguments.Copy(entries), cancellationToken);
            return await _queue.EnqueueAsync(append).ConfigureAwait(false);
        }
        finally
        {
            _metrics.RecordStorage(SqliteDatabase.ProviderName, "journal.append", start);
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<JournalEntry>> ReadAsync(string stream, long afterSequence, int limit, CancellationToken cancellationToken = default)
    {
        JournalArguments.ValidateRead(stream, afterSequence, limit);
        var start = Stopwatch.GetTimestamp();
        try
        {
            await using var connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
            using var command = connection.CreateCommand();
            command.CommandText = ReadSql;
            command.Parameters.AddWithValue("$stream", stream);
            command.Parameters.AddWithValue("$after", afterSequence);
            command.Parameters.AddWithValue("$limit", limit);
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var entries = new List<JournalEntry>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                entries.Add(new JournalEntry(reader.GetInt64(0), reader.GetFieldValue<byte[]>(1)));
            }

            return entries;
        }
        catch (SqliteException ex) when (SqliteDatabase.IsUnavailable(ex))
        {
            throw _database.Unavailable(ex);
        }
        finally
        {
            _metrics.RecordStorage(SqliteDatabase.ProviderName, "journal.read", start);
        }
    }

    /// <inheritdoc />
    public async Task<long> GetLastSequenceAsync(string stream, CancellationToken cancellationToken = default)
    {
        JournalArguments.ValidateStream(stream);
        try
        {
            await using var connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
            using var command = connection.CreateCommand();
            command.CommandText = LastSequenceSql;
            command.Parameters.AddWithValue("$stream", stream);
            return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }
        catch (SqliteException ex) when (SqliteDatabase.IsUnavailable(ex))
        {
            throw _database.Unavailable(ex);
        }
    }

    /// <inheritdoc />
    public async Task DeleteStreamAsync(string stream, CancellationToken cancellationToken = default)
    {
        JournalArguments.ValidateStream(stream);
        try
        {
            await using var connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
            using var command = connection.CreateCommand();
            command.CommandText = DeleteSql;
            command.Parameters.AddWithValue("$stream", stream);

            // An autocommit statement on a synchronous=FULL connection: durable when this returns.
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex) when (SqliteDatabase.IsUnavailable(ex))
        {
            throw _database.Unavailable(ex);
        }
    }

    /// <summary>Commits every queued append, then closes the writer connection.</summary>
    public async ValueTask DisposeAsync()
    {
        await _queue.DisposeAsync().ConfigureAwait(false);
        CloseWriter();
    }

    /// <summary>Blocks until queued appends are committed (see <see cref="SqliteGrainStorage.Dispose"/> for why).</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private async Task<SqliteConnection> OpenReaderAsync(CancellationToken cancellationToken)
    {
        await _database.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        return await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task ApplyBatchAsync(IReadOnlyList<PendingAppend> batch)
    {
        try
        {
            await CommitAsync(batch).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SqliteException sqlite && !SqliteDatabase.IsUnavailable(sqlite) && batch.Count > 1)
        {
            // One append the database rejects (not a conflict: those are decided, not thrown) must not sink its neighbours;
            // each alone is its own transaction, so none is ever half stored.
            _logger.BatchFailed(SqliteDatabase.ProviderName, batch.Count, ex);
            foreach (var append in batch)
            {
                try
                {
                    await CommitAsync([append]).ConfigureAwait(false);
                    append.Complete();
                }
                catch (Exception single)
                {
                    append.Fail(Translate(single, append));
                }
            }

            return;
        }
        catch (Exception ex)
        {
            var error = Translate(ex, batch.Count == 1 ? batch[0] : null);
            foreach (var append in batch)
            {
                append.Fail(error);
            }

            return;
        }

        foreach (var append in batch)
        {
            append.Complete();
        }
    }

    private async Task CommitAsync(IReadOnlyList<PendingAppend> batch)
    {
        await _database.EnsureInitializedAsync(CancellationToken.None).ConfigureAwait(false);
        if (_writer is null)
        {
            _writer = await _database.OpenConnectionAsync(CancellationToken.None).ConfigureAwait(false);
            _lastSequence = _writer.CreateCommand();
            _lastSequence.CommandText = LastSequenceSql;
            _lastSequence.Parameters.Add("$stream", SqliteType.Text);
            _insert = _writer.CreateCommand();
            _insert.CommandText = InsertSql;
            _insert.Parameters.Add("$stream", SqliteType.Text);
            _insert.Parameters.Add("$sequence", SqliteType.Integer);
            _insert.Parameters.Add("$payload", SqliteType.Blob);
        }

        try
        {
            // IMMEDIATE takes the write lock now, so no other connection or process can append between our check and insert.
            using var transaction = _writer.BeginTransaction(deferred: false);
            _lastSequence!.Transaction = transaction;
            _insert!.Transaction = transaction;
            foreach (var append in batch)
            {
                Decide(append);
            }

            // The batch's single fsync: nobody hears about their append before this returns.
            transaction.Commit();
        }
        catch
        {
            // After a failure mid-transaction the connection's state is unknown; start the next batch on a fresh one.
            CloseWriter();
            throw;
        }
        finally
        {
            // Large entries must not stay reachable from the prepared command between batches.
            if (_insert is not null)
            {
                _insert.Parameters["$payload"].Value = DBNull.Value;
            }
        }
    }

    private void Decide(PendingAppend append)
    {
        // Earlier appends of this batch are visible here, so two appends to one stream in one batch are decided in order.
        _lastSequence!.Parameters["$stream"].Value = append.Stream;
        var last = (long)_lastSequence.ExecuteScalar()!;
        if (last != append.ExpectedLastSequence)
        {
            append.Failed(JournalArguments.Conflict(append.Stream, append.ExpectedLastSequence, last));
            return;
        }

        var parameters = _insert!.Parameters;
        parameters["$stream"].Value = append.Stream;
        var sequence = last;
        foreach (var entry in append.Entries)
        {
            sequence++;
            parameters["$sequence"].Value = sequence;
            parameters["$payload"].Value = entry;
            _insert.ExecuteNonQuery();
        }

        append.Succeeded(sequence);
    }

    private void CloseWriter()
    {
        _lastSequence?.Dispose();
        _insert?.Dispose();
        _writer?.Dispose();
        _lastSequence = null;
        _insert = null;
        _writer = null;
    }

    private Exception Translate(Exception exception, PendingAppend? append) => exception switch
    {
        // Cannot happen while the writer holds the write lock, but a duplicate key can only mean another writer won the race.
        SqliteException { SqliteErrorCode: SqliteConstraint } when append is not null =>
            JournalArguments.Conflict(append.Stream, append.ExpectedLastSequence),
        SqliteException sqlite when SqliteDatabase.IsUnavailable(sqlite) => _database.Unavailable(sqlite),
        IOException or UnauthorizedAccessException => _database.Unavailable(exception),
        _ => exception,
    };
}
