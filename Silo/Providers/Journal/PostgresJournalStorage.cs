using System.Diagnostics;

using Npgsql;

using NpgsqlTypes;

using Platform.Silo.Diagnostics;
using Platform.Silo.Storage;

namespace Platform.Silo.Journal;

/// <summary>
/// Journal streams in PostgreSQL beside grain state. An append is one statement: it inserts its entries only when the
/// stream's last sequence is the expected one. Two appenders that both pass that check (read committed) then collide on
/// the primary key, and the loser's unique violation is reported as the conflict it is.
/// </summary>
internal sealed class PostgresJournalStorage(PostgresDatabase database, SiloMetrics metrics) : IJournalStorage, IStorageInitializer
{
    private const string UniqueViolation = "23505";

    // One round trip, atomic as a single statement: the check and the insert, plus the last sequence storage held, so a
    // refused append can say what it lost to.
    private const string AppendSql = """
        WITH last AS (SELECT coalesce(max(sequence), 0) AS sequence FROM journal WHERE stream = $1),
        inserted AS (
            INSERT INTO journal (stream, sequence, payload)
            SELECT $1, $2 + entry.ordinal, entry.payload
            FROM unnest($3::bytea[]) WITH ORDINALITY AS entry(payload, ordinal), last
            WHERE last.sequence = $2
            RETURNING 1)
        SELECT (SELECT sequence FROM last), (SELECT count(*) FROM inserted)
        """;

    private const string ReadSql = "SELECT sequence, payload FROM journal WHERE stream = $1 AND sequence > $2 ORDER BY sequence LIMIT $3";
    private const string LastSequenceSql = "SELECT coalesce(max(sequence), 0) FROM journal WHERE stream = $1";
    private const string DeleteSql = "DELETE FROM journal WHERE stream = $1";

    /// <inheritdoc />
    public Task InitializeAsync(CancellationToken cancellationToken) => database.EnsureInitializedAsync(cancellationToken);

    /// <inheritdoc />
    public async Task<long> AppendAsync(string stream, long expectedLastSequence, IReadOnlyList<ReadOnlyMemory<byte>> entries, CancellationToken cancellationToken = default)
    {
        JournalArguments.ValidateAppend(stream, expectedLastSequence, entries);
        var payloads = JournalArguments.Copy(entries);
        var start = Stopwatch.GetTimestamp();
        try
        {
            // Repeating after a lost connection is safe: if the first attempt did commit, the repeat finds the stream
            // already extended and is refused as a conflict; it can never store the entries twice.
            var (stored, inserted) = await database.WithReconnectAsync(() => AppendOnceAsync(stream, expectedLastSequence, payloads, cancellationToken)).ConfigureAwait(false);
            if (inserted != payloads.Length)
            {
                throw JournalArguments.Conflict(stream, expectedLastSequence, stored);
            }

            return expectedLastSequence + inserted;
        }
        catch (PostgresException ex) when (ex.SqlState == UniqueViolation)
        {
            throw JournalArguments.Conflict(stream, expectedLastSequence);
        }
        finally
        {
            metrics.RecordStorage(PostgresDatabase.ProviderName, "journal.append", start);
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<JournalEntry>> ReadAsync(string stream, long afterSequence, int limit, CancellationToken cancellationToken = default)
    {
        JournalArguments.ValidateRead(stream, afterSequence, limit);
        var start = Stopwatch.GetTimestamp();
        try
        {
            return await database.WithReconnectAsync(() => ReadOnceAsync(stream, afterSequence, limit, cancellationToken)).ConfigureAwait(false);
        }
        finally
        {
            metrics.RecordStorage(PostgresDatabase.ProviderName, "journal.read", start);
        }
    }

    /// <inheritdoc />
    public Task<long> GetLastSequenceAsync(string stream, CancellationToken cancellationToken = default)
    {
        JournalArguments.ValidateStream(stream);
        return database.WithReconnectAsync(() => ExecuteAsync(LastSequenceSql, stream, static _ => { }, async command =>
            (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!, cancellationToken));
    }

    /// <inheritdoc />
    public Task DeleteStreamAsync(string stream, CancellationToken cancellationToken = default)
    {
        JournalArguments.ValidateStream(stream);

        // Deleting is idempotent, so it may be repeated on a fresh connection.
        return database.WithReconnectAsync(() => ExecuteAsync(DeleteSql, stream, static _ => { }, command =>
            command.ExecuteNonQueryAsync(cancellationToken), cancellationToken));
    }

    private Task<(long Stored, long Inserted)> AppendOnceAsync(string stream, long expectedLastSequence, byte[][] payloads, CancellationToken cancellationToken) =>
        ExecuteAsync(AppendSql, stream, parameters =>
        {
            parameters.Add(new NpgsqlParameter<long> { NpgsqlDbType = NpgsqlDbType.Bigint, TypedValue = expectedLastSequence });
            parameters.Add(new NpgsqlParameter<byte[][]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea, TypedValue = payloads });
        }, async command =>
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                throw new InvalidOperationException("A journal append returned no outcome row.");
            }

            return (reader.GetInt64(0), reader.GetInt64(1));
        }, cancellationToken);

    private Task<IReadOnlyList<JournalEntry>> ReadOnceAsync(string stream, long afterSequence, int limit, CancellationToken cancellationToken) =>
        ExecuteAsync(ReadSql, stream, parameters =>
        {
            parameters.Add(new NpgsqlParameter<long> { NpgsqlDbType = NpgsqlDbType.Bigint, TypedValue = afterSequence });
            parameters.Add(new NpgsqlParameter<int> { NpgsqlDbType = NpgsqlDbType.Integer, TypedValue = limit });
        }, async command =>
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var entries = new List<JournalEntry>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                entries.Add(new JournalEntry(reader.GetInt64(0), reader.GetFieldValue<byte[]>(1)));
            }

            return (IReadOnlyList<JournalEntry>)entries;
        }, cancellationToken);

    private async Task<T> ExecuteAsync<T>(string sql, string stream, Action<NpgsqlParameterCollection> bind, Func<NpgsqlCommand, Task<T>> run, CancellationToken cancellationToken)
    {
        await database.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = stream });
        bind(command.Parameters);
        return await run(command).ConfigureAwait(false);
    }
}
