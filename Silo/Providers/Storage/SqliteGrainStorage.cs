using System.Diagnostics;
using System.Globalization;

using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

using Platform.Silo.Diagnostics;

namespace Platform.Silo.Storage;

/// <summary>
/// Grain state in one SQLite file. Writes and clears are group-committed by a single writer on a dedicated
/// connection (one fsync per batch); reads use pooled connections, which WAL lets run beside the writer.
/// </summary>
internal sealed class SqliteGrainStorage : IGrainStateStore, IStorageInitializer, IAsyncDisposable, IDisposable
{
    private const string ReadSql = "SELECT payload, version FROM grain_state WHERE grain_type = $type AND grain_key = $key AND state_name = $name;";

    private readonly SqliteDatabase _database;
    private readonly SiloMetrics _metrics;
    private readonly ILogger<SqliteGrainStorage> _logger;
    private readonly GroupCommitQueue _queue;

    // Owned by the writer loop alone; rebuilt after a failure that may have broken it.
    private SqliteWriterConnection? _writer;

    public SqliteGrainStorage(SqliteDatabase database, SiloMetrics metrics, ILogger<SqliteGrainStorage> logger)
    {
        _database = database;
        _metrics = metrics;
        _logger = logger;
        _queue = new GroupCommitQueue(ApplyBatchAsync, database.Options.MaxWriteBatch, SqliteDatabase.ProviderName, metrics);
    }

    /// <inheritdoc />
    public string ProviderName => SqliteDatabase.ProviderName;

    /// <inheritdoc />
    public Task InitializeAsync(CancellationToken cancellationToken) => _database.EnsureInitializedAsync(cancellationToken);

    /// <inheritdoc />
    public async Task<StoredGrainState?> ReadAsync(GrainId grainId, string stateName, CancellationToken cancellationToken = default)
    {
        StorageKey.Validate(grainId, stateName);
        var start = Stopwatch.GetTimestamp();
        try
        {
            await _database.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
            await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            using var command = connection.CreateCommand();
            command.CommandText = ReadSql;
            command.Parameters.AddWithValue("$type", grainId.Type.ToString());
            command.Parameters.AddWithValue("$key", grainId.Key.ToString());
            command.Parameters.AddWithValue("$name", stateName);
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            var payload = reader.IsDBNull(0) ? null : reader.GetFieldValue<byte[]>(0);
            return new StoredGrainState(payload, reader.GetInt64(1).ToString(CultureInfo.InvariantCulture));
        }
        catch (SqliteException ex) when (SqliteDatabase.IsUnavailable(ex))
        {
            throw _database.Unavailable(ex);
        }
        finally
        {
            _metrics.RecordStorage(ProviderName, "read", start);
        }
    }

    /// <inheritdoc />
    public Task<string> WriteAsync(GrainId grainId, string stateName, ReadOnlyMemory<byte> payload, string? expectedEtag, CancellationToken cancellationToken = default) =>
        _queue.WriteAsync(grainId, stateName, payload, expectedEtag, cancellationToken);

    /// <inheritdoc />
    public Task<string?> ClearAsync(GrainId grainId, string stateName, string? expectedEtag, CancellationToken cancellationToken = default) =>
        _queue.ClearAsync(grainId, stateName, expectedEtag, cancellationToken);

    /// <summary>Commits every queued write, then closes the writer connection.</summary>
    public async ValueTask DisposeAsync()
    {
        await _queue.DisposeAsync().ConfigureAwait(false);
        _writer?.Dispose();
        _writer = null;
    }

    /// <summary>
    /// Blocks until queued writes are committed. A container disposed synchronously would otherwise refuse a singleton
    /// that is only <see cref="IAsyncDisposable"/>, and dropping acknowledged-to-be writes is worse than blocking at shutdown.
    /// </summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();


    private async Task ApplyBatchAsync(IReadOnlyList<PendingWrite> batch)
    {
        try
        {
            await CommitAsync(batch).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SqliteException sqlite && !SqliteDatabase.IsUnavailable(sqlite) && batch.Count > 1)
        {
            // One write the database rejects (not a conflict: those are decided, not thrown) must not sink its neighbours.
            _logger.BatchFailed(ProviderName, batch.Count, ex);
            foreach (var write in batch)
            {
                try
                {
                    await CommitAsync([write]).ConfigureAwait(false);
                    write.Complete();
                }
                catch (Exception single)
                {
                    write.Fail(Translate(single));
                }
            }

            return;
        }
        catch (Exception ex)
        {
            var error = Translate(ex);
            foreach (var write in batch)
            {
                write.Fail(error);
            }

            return;
        }

        foreach (var write in batch)
        {
            write.Complete();
        }
    }

    private async Task CommitAsync(IReadOnlyList<PendingWrite> batch)
    {
        await _database.EnsureInitializedAsync(CancellationToken.None).ConfigureAwait(false);
        _writer ??= new SqliteWriterConnection(await _database.OpenConnectionAsync(CancellationToken.None).ConfigureAwait(false));
        try
        {
            using var transaction = _writer.Connection.BeginTransaction(deferred: false);
            _writer.Enlist(transaction);
            foreach (var write in batch)
            {
                Decide(write);
            }

            // The batch's single fsync: nobody hears about their write before this returns.
            transaction.Commit();
        }
        catch
        {
            // After a failure mid-transaction the connection's state is unknown; start the next batch on a fresh one.
            _writer.Dispose();
            _writer = null;
            throw;
        }
        finally
        {
            _writer?.ReleasePayloads();
        }
    }

    private void Decide(PendingWrite write)
    {
        var writer = _writer!;
        int affected;
        long newVersion;
        if (write.ExpectedEtag is null)
        {
            if (write.IsClear)
            {
                // Nothing stored and nothing expected: there is nothing to clear.
                var stored = writer.ReadVersion(write);
                if (stored is null)
                {
                    write.Succeeded(null);
                }
                else
                {
                    Conflict(write, stored);
                }

                return;
            }

            affected = writer.Insert(write);
            newVersion = 1;
        }
        else
        {
            affected = writer.Update(write);
            newVersion = write.ExpectedVersion + 1;
        }

        if (affected == 1)
        {
            write.Succeeded(newVersion.ToString(CultureInfo.InvariantCulture));
        }
        else
        {
            Conflict(write, writer.ReadVersion(write));
        }
    }

    private static void Conflict(PendingWrite write, long? storedVersion)
    {
        write.Failed(StateConflict.Create(write.GrainId, write.StateName, write.ExpectedEtag, storedVersion?.ToString(CultureInfo.InvariantCulture)));
    }

    private Exception Translate(Exception exception) => exception switch
    {
        SqliteException sqlite when SqliteDatabase.IsUnavailable(sqlite) => _database.Unavailable(sqlite),
        IOException or UnauthorizedAccessException => _database.Unavailable(exception),
        _ => exception,
    };
}
