using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;

using Microsoft.Extensions.Logging;

using Npgsql;

using NpgsqlTypes;

using Platform.Silo.Diagnostics;

namespace Platform.Silo.Storage;

/// <summary>
/// Grain state in PostgreSQL. Writes and clears are group-committed: one writer sends every pending write as one
/// <see cref="NpgsqlBatch"/> in one transaction. Each statement reports its own outcome, so a conflict refuses only its write.
/// </summary>
internal sealed class PostgresGrainStorage : IGrainStateStore, IStorageInitializer, IAsyncDisposable, IDisposable
{
    private const string ReadSql = "SELECT payload, version FROM grain_state WHERE grain_type = $1 AND grain_key = $2 AND state_name = $3";

    // Each write statement yields one row: the new version (NULL when refused) and, from the statement's snapshot, the version
    // stored before it, so a conflict can name what storage holds without another round trip.
    private const string InsertSql = """
        WITH changed AS (
            INSERT INTO grain_state (grain_type, grain_key, state_name, payload, version) VALUES ($1, $2, $3, $4, 1)
            ON CONFLICT DO NOTHING RETURNING version)
        SELECT (SELECT version FROM changed), (SELECT version FROM grain_state WHERE grain_type = $1 AND grain_key = $2 AND state_name = $3)
        """;

    private const string UpdateSql = """
        WITH changed AS (
            UPDATE grain_state SET payload = $4, version = version + 1
            WHERE grain_type = $1 AND grain_key = $2 AND state_name = $3 AND version = $5 RETURNING version)
        SELECT (SELECT version FROM changed), (SELECT version FROM grain_state WHERE grain_type = $1 AND grain_key = $2 AND state_name = $3)
        """;

    private const string ClearSql = """
        WITH changed AS (
            UPDATE grain_state SET payload = NULL, version = version + 1
            WHERE grain_type = $1 AND grain_key = $2 AND state_name = $3 AND version = $4 RETURNING version)
        SELECT (SELECT version FROM changed), (SELECT version FROM grain_state WHERE grain_type = $1 AND grain_key = $2 AND state_name = $3)
        """;

    private const string ProbeSql = "SELECT NULL::bigint, (SELECT version FROM grain_state WHERE grain_type = $1 AND grain_key = $2 AND state_name = $3)";

    private readonly PostgresDatabase _database;
    private readonly SiloMetrics _metrics;
    private readonly ILogger<PostgresGrainStorage> _logger;
    private readonly GroupCommitQueue _queue;

    public PostgresGrainStorage(PostgresDatabase database, SiloMetrics metrics, ILogger<PostgresGrainStorage> logger)
    {
        _database = database;
        _metrics = metrics;
        _logger = logger;
        _queue = new GroupCommitQueue(ApplyBatchAsync, database.Options.MaxWriteBatch, PostgresDatabase.ProviderName, metrics);
    }

    /// <inheritdoc />
    public string ProviderName => PostgresDatabase.ProviderName;

    /// <inheritdoc />
    public Task InitializeAsync(CancellationToken cancellationToken) => _database.EnsureInitializedAsync(cancellationToken);

    /// <inheritdoc />
    public async Task<StoredGrainState?> ReadAsync(GrainId grainId, string stateName, CancellationToken cancellationToken = default)
    {
        StorageKey.Validate(grainId, stateName);
        var start = Stopwatch.GetTimestamp();
        try
        {
            return await _database.WithReconnectAsync(() => ReadOnceAsync(grainId, stateName, cancellationToken)).ConfigureAwait(false);
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

    /// <summary>Commits every queued write; the shared data source is disposed by its own owner.</summary>
    public ValueTask DisposeAsync() => _queue.DisposeAsync();

    /// <summary>Blocks until queued writes are committed, for containers disposed synchronously (see <see cref="SqliteGrainStorage.Dispose"/>).</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private async Task<StoredGrainState?> ReadOnceAsync(GrainId grainId, string stateName, CancellationToken cancellationToken)
    {
        await _database.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(ReadSql, connection);
        AddKey(command.Parameters, grainId, stateName);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var payload = reader.IsDBNull(0) ? null : reader.GetFieldValue<byte[]>(0);
        return new StoredGrainState(payload, reader.GetInt64(1).ToString(CultureInfo.InvariantCulture));
    }


    private static void AddKey(NpgsqlParameterCollection parameters, GrainId grainId, string stateName)
    {
        parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = grainId.Type.ToString() });
        parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = grainId.Key.ToString() });
        parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = stateName });
    }

    private static NpgsqlBatchCommand CreateStatement(PendingWrite write)
    {
        NpgsqlBatchCommand statement;
        if (write.ExpectedEtag is null)
        {
            // A clear with nothing expected writes nothing: it only checks that nothing is stored.
            statement = new NpgsqlBatchCommand(write.IsClear ? ProbeSql : InsertSql);
        }
        else
        {
            statement = new NpgsqlBatchCommand(write.IsClear ? ClearSql : UpdateSql);
        }

        AddKey(statement.Parameters, write.GrainId, write.StateName);
        if (!write.IsClear)
        {
            statement.Parameters.Add(new NpgsqlParameter<byte[]> { NpgsqlDbType = NpgsqlDbType.Bytea, TypedValue = write.Payload });
        }

        if (write.ExpectedEtag is not null)
        {
            statement.Parameters.Add(new NpgsqlParameter<long> { NpgsqlDbType = NpgsqlDbType.Bigint, TypedValue = write.ExpectedVersion });
        }

        return statement;
    }

    private async Task ApplyBatchAsync(IReadOnlyList<PendingWrite> batch)
    {
        try
        {
            await CommitWithReconnectAsync(batch).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (!PostgresDatabase.IsUnavailable(ex) && batch.Count > 1)
        {
            // One statement the server rejects (a deadlock with another silo, say) aborts the whole transaction;
            // conflicts are decided, not thrown, so retrying each write alone decides the rest correctly.
            _logger.BatchFailed(ProviderName, batch.Count, ex);
            foreach (var write in batch)
            {
                try
                {
                    await CommitWithReconnectAsync([write]).ConfigureAwait(false);
                    write.Complete();
                }
                catch (Exception single)
                {
                    write.Fail(PostgresDatabase.IsUnavailable(single) ? _database.Unavailable(single) : single);
                }
            }

            return;
        }
        catch (Exception ex)
        {
            // A connection lost around COMMIT leaves the outcome unknown; the caller's next write then conflicts and reloads.
            var error = PostgresDatabase.IsUnavailable(ex) ? _database.Unavailable(ex) : ex;
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

    private async Task CommitWithReconnectAsync(IReadOnlyList<PendingWrite> batch)
    {
        var commitSent = new StrongBox<bool>();
        try
        {
            await CommitAsync(batch, commitSent).ConfigureAwait(false);
        }
        catch (Exception ex) when (PostgresDatabase.IsUnavailable(ex) && !commitSent.Value)
        {
            // The transaction never reached COMMIT, so nothing was written and trying again on a fresh connection is safe;
            // this is what makes the first write after a server restart succeed despite the pool's dead connections.
            _database.ClearPool();
            await CommitAsync(batch, commitSent).ConfigureAwait(false);
        }
    }

    private async Task CommitAsync(IReadOnlyList<PendingWrite> batch, StrongBox<bool> commitSent)
    {
        await _database.EnsureInitializedAsync(CancellationToken.None).ConfigureAwait(false);
        await using var connection = await _database.OpenConnectionAsync(CancellationToken.None).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);
        await using (var statements = new NpgsqlBatch(connection, transaction))
        {
            foreach (var write in batch)
            {
                statements.BatchCommands.Add(CreateStatement(write));
            }

            await using var reader = await statements.ExecuteReaderAsync().ConfigureAwait(false);
            foreach (var write in batch)
            {
                if (!await reader.ReadAsync().ConfigureAwait(false))
                {
                    throw new InvalidOperationException("A grain-state statement returned no outcome row.");
                }

                long? newVersion = reader.IsDBNull(0) ? null : reader.GetInt64(0);
                long? storedVersion = reader.IsDBNull(1) ? null : reader.GetInt64(1);
                Decide(write, newVersion, storedVersion);
                await reader.NextResultAsync().ConfigureAwait(false);
            }
        }

        commitSent.Value = true;
        await transaction.CommitAsync().ConfigureAwait(false);
    }

    private static void Decide(PendingWrite write, long? newVersion, long? storedVersion)
    {
        if (newVersion is { } version)
        {
            write.Succeeded(version.ToString(CultureInfo.InvariantCulture));
        }
        else if (write.IsClear && write.ExpectedEtag is null && storedVersion is null)
        {
            write.Succeeded(null);
        }
        else
        {
            write.Failed(StateConflict.Create(write.GrainId, write.StateName, write.ExpectedEtag, storedVersion?.ToString(CultureInfo.InvariantCulture)));
        }
    }
}
