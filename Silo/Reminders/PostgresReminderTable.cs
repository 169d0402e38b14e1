using Npgsql;

using NpgsqlTypes;

using Platform.Silo.Storage;

namespace Platform.Silo.Reminders;

/// <summary>Reminders in PostgreSQL beside grain state; one-shot periods are stored as -1 ms.</summary>
internal sealed class PostgresReminderTable(PostgresDatabase database) : IReminderTable, IStorageInitializer
{
    private const string ReadAllSql = "SELECT grain_type, grain_key, name, due_at, period_ms FROM reminders";
    private const string UpsertSql = """
        INSERT INTO reminders (grain_type, grain_key, name, due_at, period_ms) VALUES ($1, $2, $3, $4, $5)
        ON CONFLICT (grain_type, grain_key, name) DO UPDATE SET due_at = excluded.due_at, period_ms = excluded.period_ms
        """;
    private const string RemoveSql = "DELETE FROM reminders WHERE grain_type = $1 AND grain_key = $2 AND name = $3";

    /// <inheritdoc />
    public Task InitializeAsync(CancellationToken cancellationToken) => database.EnsureInitializedAsync(cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<ReminderEntry>> ReadAllAsync(CancellationToken cancellationToken = default) =>
        database.WithReconnectAsync(() => ReadAllOnceAsync(cancellationToken));

    /// <inheritdoc />
    public async Task UpsertAsync(ReminderEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        StorageKey.Validate(entry.GrainId, entry.Name);
        // An upsert is idempotent, so it may be repeated on a fresh connection after a server restart.
        await database.WithReconnectAsync(() => ExecuteAsync(UpsertSql, entry.GrainId, entry.Name, parameters =>
        {
            // timestamptz takes only UTC offsets from Npgsql; the instant is what matters.
            parameters.Add(new NpgsqlParameter<DateTimeOffset> { NpgsqlDbType = NpgsqlDbType.TimestampTz, TypedValue = entry.DueAt.ToUniversalTime() });
            parameters.Add(new NpgsqlParameter<long> { NpgsqlDbType = NpgsqlDbType.Bigint, TypedValue = (long)entry.Period.TotalMilliseconds });
        }, cancellationToken)).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> RemoveAsync(GrainId grainId, string name, CancellationToken cancellationToken = default)
    {
        StorageKey.Validate(grainId, name);
        return await ExecuteAsync(RemoveSql, grainId, name, static _ => { }, cancellationToken).ConfigureAwait(false) > 0;
    }

    private async Task<IReadOnlyList<ReminderEntry>> ReadAllOnceAsync(CancellationToken cancellationToken)
    {
        await database.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(ReadAllSql, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var entries = new List<ReminderEntry>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            entries.Add(new ReminderEntry(
                new GrainId(reader.GetString(0), reader.GetString(1)),
                reader.GetString(2),
                reader.GetFieldValue<DateTimeOffset>(3),
                TimeSpan.FromMilliseconds(reader.GetInt64(4))));
        }

        return entries;
    }


    private async Task<int> ExecuteAsync(string sql, GrainId grainId, string name, Action<NpgsqlParameterCollection> bind, CancellationToken cancellationToken)
    {
        try
        {
            await database.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
            await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var command = new NpgsqlCommand(sql, connection);
            command.Parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = grainId.Type });
            command.Parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = grainId.Key });
            command.Parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = name });
            bind(command.Parameters);

            // Autocommit: durable once the server acknowledges (synchronous_commit is on by default).
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (PostgresDatabase.IsUnavailable(ex))
        {
            throw database.Unavailable(ex);
        }
    }
}
