using System.Globalization;

using Npgsql;

using NpgsqlTypes;

using Platform.Silo.Storage;

namespace Platform.Silo.Reminders;

/// <summary>
/// Orleans' reminder table in PostgreSQL beside grain state, in the project's own schema (the version column is the
/// ETag Orleans removes by; each silo reads its range of the hash ring). Every statement is idempotent or guarded by
/// the version, so each may be repeated on a fresh connection after a server restart.
/// </summary>
internal sealed class PostgresReminderTable(PostgresDatabase database) : IReminderTable, IStorageInitializer
{
    private const string Columns = "grain_type, grain_key, name, due_at, period_ms, version";
    private const string UpsertSql = """
        INSERT INTO reminders (grain_type, grain_key, name, due_at, period_ms, grain_hash, version) VALUES ($1, $2, $3, $4, $5, $6, $7)
        ON CONFLICT (grain_type, grain_key, name) DO UPDATE SET due_at = excluded.due_at, period_ms = excluded.period_ms, grain_hash = excluded.grain_hash, version = reminders.version + 1
        RETURNING version
        """;

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
        ReadAsync($"SELECT {Columns} FROM reminders WHERE grain_type = $1 AND grain_key = $2", parameters => BindGrain(parameters, grainId));

    /// <inheritdoc />
    public Task<ReminderTableData> ReadRows(uint begin, uint end) =>
        ReadAsync($"SELECT {Columns} FROM reminders WHERE {ReminderRows.RangeCondition(begin, end, "$1", "$2")}", parameters =>
        {
            parameters.Add(new NpgsqlParameter<long> { NpgsqlDbType = NpgsqlDbType.Bigint, TypedValue = begin });
            parameters.Add(new NpgsqlParameter<long> { NpgsqlDbType = NpgsqlDbType.Bigint, TypedValue = end });
        });

    /// <inheritdoc />
    public async Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName)
    {
        var rows = await ReadAsync($"SELECT {Columns} FROM reminders WHERE grain_type = $1 AND grain_key = $2 AND name = $3", parameters =>
        {
            BindGrain(parameters, grainId);
            parameters.Add(Text(reminderName));
        }).ConfigureAwait(false);
        return rows.Reminders.Count == 0 ? null : rows.Reminders[0];
    }

    /// <inheritdoc />
    public async Task<string?> UpsertRow(ReminderEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        StorageKey.Validate(entry.GrainId, entry.ReminderName);
        var version = await ExecuteAsync(UpsertSql, parameters =>
        {
            BindGrain(parameters, entry.GrainId);
            parameters.Add(Text(entry.ReminderName));

            // timestamptz takes only UTC offsets from Npgsql; the instant is what matters.
            parameters.Add(new NpgsqlParameter<DateTimeOffset> { NpgsqlDbType = NpgsqlDbType.TimestampTz, TypedValue = new DateTimeOffset(DateTime.SpecifyKind(entry.StartAt, DateTimeKind.Utc)) });
            parameters.Add(new NpgsqlParameter<long> { NpgsqlDbType = NpgsqlDbType.Bigint, TypedValue = (long)entry.Period.TotalMilliseconds });
            parameters.Add(new NpgsqlParameter<long> { NpgsqlDbType = NpgsqlDbType.Bigint, TypedValue = ReminderRows.Hash(entry.GrainId) });
            parameters.Add(new NpgsqlParameter<long> { NpgsqlDbType = NpgsqlDbType.Bigint, TypedValue = ReminderRows.FirstVersion() });
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

        var removed = await ExecuteAsync("DELETE FROM reminders WHERE grain_type = $1 AND grain_key = $2 AND name = $3 AND version = $4", parameters =>
        {
            BindGrain(parameters, grainId);
            parameters.Add(Text(reminderName));
            parameters.Add(new NpgsqlParameter<long> { NpgsqlDbType = NpgsqlDbType.Bigint, TypedValue = version });
        }, static async command => (object?)await command.ExecuteNonQueryAsync().ConfigureAwait(false)).ConfigureAwait(false);
        return (int)removed! > 0;
    }

    /// <inheritdoc />
    public async Task TestOnlyClearTable() =>
        await ExecuteAsync("DELETE FROM reminders", static _ => { }, static async command => (object?)await command.ExecuteNonQueryAsync().ConfigureAwait(false)).ConfigureAwait(false);

    private static NpgsqlParameter<string> Text(string value) => new() { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = value };

    private static void BindGrain(NpgsqlParameterCollection parameters, GrainId grainId)
    {
        parameters.Add(Text(grainId.Type.ToString()!));
        parameters.Add(Text(grainId.Key.ToString()!));
    }

    private async Task FillMissingHashesAsync(CancellationToken cancellationToken)
    {
        var missing = await ReadAsync($"SELECT {Columns} FROM reminders WHERE grain_hash IS NULL", static _ => { }).ConfigureAwait(false);
        foreach (var row in missing.Reminders)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await ExecuteAsync("UPDATE reminders SET grain_hash = $4 WHERE grain_type = $1 AND grain_key = $2 AND name = $3", parameters =>
            {
                BindGrain(parameters, row.GrainId);
                parameters.Add(Text(row.ReminderName));
                parameters.Add(new NpgsqlParameter<long> { NpgsqlDbType = NpgsqlDbType.Bigint, TypedValue = ReminderRows.Hash(row.GrainId) });
            }, static async command => (object?)await command.ExecuteNonQueryAsync().ConfigureAwait(false)).ConfigureAwait(false);
        }
    }

    private Task<ReminderTableData> ReadAsync(string sql, Action<NpgsqlParameterCollection> bind) =>
        database.WithReconnectAsync(async () =>
        {
            await database.EnsureInitializedAsync(CancellationToken.None).ConfigureAwait(false);
            await using var connection = await database.OpenConnectionAsync(CancellationToken.None).ConfigureAwait(false);
            await using var command = new NpgsqlCommand(sql, connection);
            bind(command.Parameters);
            await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
            var entries = new List<ReminderEntry>();
            while (await reader.ReadAsync().ConfigureAwait(false))
            {
                entries.Add(ReminderRows.ToEntry(
                    reader.GetString(0),
                    reader.GetString(1),
                    reader.GetString(2),
                    reader.GetFieldValue<DateTimeOffset>(3),
                    reader.GetInt64(4),
                    reader.GetInt64(5)));
            }

            return new ReminderTableData(entries);
        });

    private Task<object?> ExecuteAsync(string sql, Action<NpgsqlParameterCollection> bind, Func<NpgsqlCommand, Task<object?>> run) =>
        database.WithReconnectAsync(async () =>
        {
            await database.EnsureInitializedAsync(CancellationToken.None).ConfigureAwait(false);
            await using var connection = await database.OpenConnectionAsync(CancellationToken.None).ConfigureAwait(false);
            await using var command = new NpgsqlCommand(sql, connection);
            bind(command.Parameters);

            // Autocommit: durable once the server acknowledges (synchronous_commit is on by default).
            return await run(command).ConfigureAwait(false);
        });
}
