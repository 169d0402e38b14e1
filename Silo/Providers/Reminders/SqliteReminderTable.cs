using System.Globalization;

using Microsoft.Data.Sqlite;

using Platform.Silo.Storage;

namespace Platform.Silo.Reminders;

/// <summary>
/// Orleans' reminder table in the SQLite file that holds grain state (Orleans has no SQLite reminder provider). Due
/// times are unix milliseconds; the version column is the ETag Orleans removes by; each silo reads its ring range.
/// </summary>
internal sealed class SqliteReminderTable(SqliteDatabase database) : IReminderTable, IStorageInitializer
{
    private const string Columns = "grain_type, grain_key, name, due_at, period_ms, version";
    private const string UpsertSql = """
        INSERT INTO reminders (grain_type, grain_key, name, due_at, period_ms, grain_hash, version) VALUES ($type, $key, $name, $due, $period, $hash, $version)
        ON CONFLICT (grain_type, grain_key, name) DO UPDATE SET due_at = excluded.due_at, period_ms = excluded.period_ms, grain_hash = excluded.grain_hash, version = version + 1
        RETURNING version;
        """;
    private const string RemoveSql = "DELETE FROM reminders WHERE grain_type = $type AND grain_key = $key AND name = $name AND version = $version;";

    /// <inheritdoc />
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await database.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        await FillMissingHashesAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken = default) => await InitializeAsync(cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public Task<ReminderTableData> ReadRows(GrainId grainId) =>
        ReadAsync($"SELECT {Columns} FROM reminders WHERE grain_type = $type AND grain_key = $key;", command => BindGrain(command, grainId));

    /// <inheritdoc />
    public Task<ReminderTableData> ReadRows(uint begin, uint end) =>
        ReadAsync($"SELECT {Columns} FROM reminders WHERE {ReminderRows.RangeCondition(begin, end, "$begin", "$end")};", command =>
        {
            command.Parameters.AddWithValue("$begin", (long)begin);
            command.Parameters.AddWithValue("$end", (long)end);
        });

    /// <inheritdoc />
    public async Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName)
    {
        var rows = await ReadAsync($"SELECT {Columns} FROM reminders WHERE grain_type = $type AND grain_key = $key AND name = $name;", command =>
        {
            BindGrain(command, grainId);
            command.Parameters.AddWithValue("$name", reminderName);
        }).ConfigureAwait(false);
        return rows.Reminders.Count == 0 ? null : rows.Reminders[0];
    }

    /// <inheritdoc />
    public async Task<string?> UpsertRow(ReminderEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        StorageKey.Validate(entry.GrainId, entry.ReminderName);
        var version = await ExecuteAsync(UpsertSql, command =>
        {
            BindGrain(command, entry.GrainId);
            command.Parameters.AddWithValue("$name", entry.ReminderName);
            command.Parameters.AddWithValue("$due", new DateTimeOffset(DateTime.SpecifyKind(entry.StartAt, DateTimeKind.Utc)).ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("$period", (long)entry.Period.TotalMilliseconds);
            command.Parameters.AddWithValue("$hash", ReminderRows.Hash(entry.GrainId));
            command.Parameters.AddWithValue("$version", ReminderRows.FirstVersion());
        }, static command => command.ExecuteScalarAsync()).ConfigureAwait(false);
        return Convert.ToInt64(version, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture);
    }

    /// <inheritdoc />
    public async Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag)
    {
        if (ReminderRows.ParseVersion(eTag) is not { } version)
        {
            return false;
        }

        var removed = await ExecuteAsync(RemoveSql, command =>
        {
            BindGrain(command, grainId);
            command.Parameters.AddWithValue("$name", reminderName);
            command.Parameters.AddWithValue("$version", version);
        }, static async command => (object?)await command.ExecuteNonQueryAsync().ConfigureAwait(false)).ConfigureAwait(false);
        return (int)removed! > 0;
    }

    /// <inheritdoc />
    public async Task TestOnlyClearTable() =>
        await ExecuteAsync("DELETE FROM reminders;", static _ => { }, static async command => (object?)await command.ExecuteNonQueryAsync().ConfigureAwait(false)).ConfigureAwait(false);

    private static void BindGrain(SqliteCommand command, GrainId grainId)
    {
        command.Parameters.AddWithValue("$type", grainId.Type.ToString());
        command.Parameters.AddWithValue("$key", grainId.Key.ToString());
    }

    private async Task FillMissingHashesAsync(CancellationToken cancellationToken)
    {
        var missing = new List<(string Type, string Key, string Name)>();
        await using (var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        {
            using var select = connection.CreateCommand();
            select.CommandText = "SELECT grain_type, grain_key, name FROM reminders WHERE grain_hash IS NULL;";
            using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                missing.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
            }
        }

        foreach (var (type, key, name) in missing)
        {
            await ExecuteAsync("UPDATE reminders SET grain_hash = $hash WHERE grain_type = $type AND grain_key = $key AND name = $name;", command =>
            {
                BindGrain(command, GrainId.Create(type, key));
                command.Parameters.AddWithValue("$name", name);
                command.Parameters.AddWithValue("$hash", ReminderRows.Hash(GrainId.Create(type, key)));
            }, static async command => (object?)await command.ExecuteNonQueryAsync().ConfigureAwait(false)).ConfigureAwait(false);
        }
    }

    private async Task<ReminderTableData> ReadAsync(string sql, Action<SqliteCommand> bind)
    {
        try
        {
            await database.EnsureInitializedAsync(CancellationToken.None).ConfigureAwait(false);
            await using var connection = await database.OpenConnectionAsync(CancellationToken.None).ConfigureAwait(false);
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            bind(command);
            using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
            var entries = new List<ReminderEntry>();
            while (await reader.ReadAsync().ConfigureAwait(false))
            {
                entries.Add(ReminderRows.ToEntry(
                    reader.GetString(0),
                    reader.GetString(1),
                    reader.GetString(2),
                    DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)),
                    reader.GetInt64(4),
                    reader.GetInt64(5)));
            }

            return new ReminderTableData(entries);
        }
        catch (SqliteException ex) when (SqliteDatabase.IsUnavailable(ex))
        {
            throw database.Unavailable(ex);
        }
    }

    private async Task<object?> ExecuteAsync(string sql, Action<SqliteCommand> bind, Func<SqliteCommand, Task<object?>> run)
    {
        try
        {
            await database.EnsureInitializedAsync(CancellationToken.None).ConfigureAwait(false);
            await using var connection = await database.OpenConnectionAsync(CancellationToken.None).ConfigureAwait(false);
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            bind(command);

            // An autocommit statement on a synchronous=FULL connection: durable when this returns.
            return await run(command).ConfigureAwait(false);
        }
        catch (SqliteException ex) when (SqliteDatabase.IsUnavailable(ex))
        {
            throw database.Unavailable(ex);
        }
    }
}
