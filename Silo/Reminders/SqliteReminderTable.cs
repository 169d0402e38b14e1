using Microsoft.Data.Sqlite;

using Platform.Silo.Storage;

namespace Platform.Silo.Reminders;

/// <summary>Reminders in the SQLite file that holds grain state; due times are unix milliseconds, one-shot periods -1.</summary>
internal sealed class SqliteReminderTable(SqliteDatabase database) : IReminderTable, IStorageInitializer
{
    private const string ReadAllSql = "SELECT grain_type, grain_key, name, due_at, period_ms FROM reminders;";
    private const string UpsertSql = """
        INSERT INTO reminders (grain_type, grain_key, name, due_at, period_ms) VALUES ($type, $key, $name, $due, $period)
        ON CONFLICT (grain_type, grain_key, name) DO UPDATE SET due_at = excluded.due_at, period_ms = excluded.period_ms;
        """;
    private const string RemoveSql = "DELETE FROM reminders WHERE grain_type = $type AND grain_key = $key AND name = $name;";

    /// <inheritdoc />
    public Task InitializeAsync(CancellationToken cancellationToken) => database.EnsureInitializedAsync(cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<ReminderEntry>> ReadAllAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await database.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
            await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            using var command = connection.CreateCommand();
            command.CommandText = ReadAllSql;
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var entries = new List<ReminderEntry>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                entries.Add(new ReminderEntry(
                    new GrainId(reader.GetString(0), reader.GetString(1)),
                    reader.GetString(2),
                    DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)),
                    TimeSpan.FromMilliseconds(reader.GetInt64(4))));
            }

            return entries;
        }
        catch (SqliteException ex) when (SqliteDatabase.IsUnavailable(ex))
        {
            throw database.Unavailable(ex);
        }
    }

    /// <inheritdoc />
    public async Task UpsertAsync(ReminderEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        StorageKey.Validate(entry.GrainId, entry.Name);
        await ExecuteAsync(UpsertSql, entry.GrainId, entry.Name, command =>
        {
            command.Parameters.AddWithValue("$due", entry.DueAt.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("$period", (long)entry.Period.TotalMilliseconds);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> RemoveAsync(GrainId grainId, string name, CancellationToken cancellationToken = default)
    {
        StorageKey.Validate(grainId, name);
        return await ExecuteAsync(RemoveSql, grainId, name, static _ => { }, cancellationToken).ConfigureAwait(false) > 0;
    }


    private async Task<int> ExecuteAsync(string sql, GrainId grainId, string name, Action<SqliteCommand> bind, CancellationToken cancellationToken)
    {
        try
        {
            await database.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
            await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            command.Parameters.AddWithValue("$type", grainId.Type);
            command.Parameters.AddWithValue("$key", grainId.Key);
            command.Parameters.AddWithValue("$name", name);
            bind(command);

            // An autocommit statement on a synchronous=FULL connection: durable when this returns.
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex) when (SqliteDatabase.IsUnavailable(ex))
        {
            throw database.Unavailable(ex);
        }
    }
}
