using System.Globalization;

using Microsoft.Extensions.Options;

using Npgsql;

using NpgsqlTypes;

using Orleans.Configuration;

using Platform.Silo.Storage;

namespace Platform.Silo.Membership;

/// <summary>
/// Orleans' membership table in the platform's PostgreSQL database, in the project's own schema beside grain state,
/// reminders and the journal. Every change of a row moves the cluster's table version in the same transaction, and
/// both are compared by etag: of two silos writing from the same view, one wins and the other re-reads, which is what
/// Orleans' membership protocol relies on. Reads are single statements, so a row and the version come from one snapshot.
/// </summary>
internal sealed class PostgresMembershipTable(PostgresDatabase database, IOptions<ClusterOptions> cluster) : IMembershipTable
{
    private const string Columns = "m.silo, m.status, m.silo_name, m.host_name, m.proxy_port, m.start_time, m.i_am_alive_time, m.suspect_times, m.etag";
    private const int DeadStatus = (int)SiloStatus.Dead;

    private string ClusterId => cluster.Value.ClusterId;

    // Orleans 10.4 calls the cancellable members; the older ones, still part of the interface, forward to them.
    public Task InitializeMembershipTable(bool tryInitTableVersion) => InitializeMembershipTableAsync(tryInitTableVersion, CancellationToken.None);

    public Task DeleteMembershipTableEntries(string clusterId) => DeleteMembershipTableEntriesAsync(clusterId, CancellationToken.None);

    public Task CleanupDefunctSiloEntries(DateTimeOffset beforeDate) => CleanupDefunctSiloEntriesAsync(beforeDate, CancellationToken.None);

    public Task<MembershipTableData> ReadRow(SiloAddress key) => ReadRowAsync(key, CancellationToken.None);

    public Task<MembershipTableData> ReadAll() => ReadAllAsync(CancellationToken.None);

    public Task<bool> InsertRow(MembershipEntry entry, TableVersion tableVersion) => InsertRowAsync(entry, tableVersion, CancellationToken.None);

    public Task<bool> UpdateRow(MembershipEntry entry, string etag, TableVersion tableVersion) => UpdateRowAsync(entry, etag, tableVersion, CancellationToken.None);

    public Task UpdateIAmAlive(MembershipEntry entry) => UpdateIAmAliveAsync(entry, CancellationToken.None);

    /// <inheritdoc />
    public Task InitializeMembershipTableAsync(bool tryInitTableVersion, CancellationToken cancellationToken) =>
        database.WithReconnectAsync(async () =>
        {
            await database.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
            if (tryInitTableVersion)
            {
                await ExecuteAsync("INSERT INTO membership_versions (cluster_id, version, etag) VALUES ($1, 0, 0) ON CONFLICT (cluster_id) DO NOTHING", parameters => parameters.Add(Text(ClusterId)), cancellationToken).ConfigureAwait(false);
            }

            return true;
        });

    /// <inheritdoc />
    public Task DeleteMembershipTableEntriesAsync(string clusterId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(clusterId);
        return database.WithReconnectAsync(() => ExecuteAsync("DELETE FROM membership_versions WHERE cluster_id = $1", parameters => parameters.Add(Text(clusterId)), cancellationToken));
    }

    /// <inheritdoc />
    public Task CleanupDefunctSiloEntriesAsync(DateTimeOffset beforeDate, CancellationToken cancellationToken) =>
        database.WithReconnectAsync(() => ExecuteAsync($"DELETE FROM membership WHERE cluster_id = $1 AND status = {DeadStatus} AND updated_at < $2", parameters =>
        {
            parameters.Add(Text(ClusterId));
            parameters.Add(new NpgsqlParameter<DateTimeOffset> { NpgsqlDbType = NpgsqlDbType.TimestampTz, TypedValue = beforeDate.ToUniversalTime() });
        }, cancellationToken));

    /// <inheritdoc />
    public Task<MembershipTableData> ReadRowAsync(SiloAddress key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        return ReadAsync(
            $"SELECT v.version, v.etag, {Columns} FROM membership_versions v LEFT JOIN membership m ON m.cluster_id = v.cluster_id AND m.silo = $2 WHERE v.cluster_id = $1",
            parameters => parameters.Add(Text(key.ToParsableString())),
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<MembershipTableData> ReadAllAsync(CancellationToken cancellationToken) =>
        ReadAsync($"SELECT v.version, v.etag, {Columns} FROM membership_versions v LEFT JOIN membership m ON m.cluster_id = v.cluster_id WHERE v.cluster_id = $1", static _ => { }, cancellationToken);

    /// <inheritdoc />
    public Task<bool> InsertRowAsync(MembershipEntry entry, TableVersion tableVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(tableVersion);
        return ChangeAsync(tableVersion, async (connection, transaction) =>
        {
            await using var insert = new NpgsqlCommand(
                """
                INSERT INTO membership (cluster_id, silo, status, silo_name, host_name, proxy_port, start_time, i_am_alive_time, suspect_times, updated_at, etag)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1)
                ON CONFLICT (cluster_id, silo) DO NOTHING
                """,
                connection,
                transaction);
            BindEntry(insert.Parameters, entry);
            return await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> UpdateRowAsync(MembershipEntry entry, string etag, TableVersion tableVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(tableVersion);
        if (!long.TryParse(etag, NumberStyles.None, CultureInfo.InvariantCulture, out var expected))
        {
            return Task.FromResult(false);
        }

        return ChangeAsync(tableVersion, async (connection, transaction) =>
        {
            await using var update = new NpgsqlCommand(
                """
                UPDATE membership SET status = $3, silo_name = $4, host_name = $5, proxy_port = $6, start_time = $7, i_am_alive_time = $8,
                    suspect_times = $9, updated_at = $10, etag = etag + 1
                WHERE cluster_id = $1 AND silo = $2 AND etag = $11
                """,
                connection,
                transaction);
            BindEntry(update.Parameters, entry);
            update.Parameters.Add(new NpgsqlParameter<long> { NpgsqlDbType = NpgsqlDbType.Bigint, TypedValue = expected });
            return await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task UpdateIAmAliveAsync(MembershipEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);

        // A dirty write, as Orleans allows: neither the row's etag nor the table version moves.
        return database.WithReconnectAsync(() => ExecuteAsync(
            "UPDATE membership SET i_am_alive_time = $3, updated_at = greatest(updated_at, $3) WHERE cluster_id = $1 AND silo = $2",
            parameters =>
            {
                parameters.Add(Text(ClusterId));
                parameters.Add(Text(entry.SiloAddress.ToParsableString()));
                parameters.Add(Time(entry.IAmAliveTime));
            },
            cancellationToken));
    }

    /// <summary>Moves the table version from the one the caller read to <paramref name="next"/> and makes the row change, both or neither.</summary>
    private Task<bool> ChangeAsync(TableVersion next, Func<NpgsqlConnection, NpgsqlTransaction, Task<bool>> change, CancellationToken cancellationToken)
    {
        if (!long.TryParse(next.VersionEtag, NumberStyles.None, CultureInfo.InvariantCulture, out var readEtag))
        {
            return Task.FromResult(false);
        }

        return database.WithReconnectAsync(async () =>
        {
            await database.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
            await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

            // The row lock this takes makes a second writer with the same view wait, then find the etag moved.
            await using (var version = new NpgsqlCommand("UPDATE membership_versions SET version = $2, etag = etag + 1 WHERE cluster_id = $1 AND etag = $3", connection, transaction))
            {
                version.Parameters.Add(Text(ClusterId));
                version.Parameters.Add(new NpgsqlParameter<int> { NpgsqlDbType = NpgsqlDbType.Integer, TypedValue = next.Version });
                version.Parameters.Add(new NpgsqlParameter<long> { NpgsqlDbType = NpgsqlDbType.Bigint, TypedValue = readEtag });
                if (await version.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) != 1)
                {
                    return false;
                }
            }

            if (!await change(connection, transaction).ConfigureAwait(false))
            {
                await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
                return false;
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return true;
        });
    }

    private Task<MembershipTableData> ReadAsync(string sql, Action<NpgsqlParameterCollection> bind, CancellationToken cancellationToken) =>
        database.WithReconnectAsync(async () =>
        {
            await database.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
            await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var command = new NpgsqlCommand(sql, connection);
            command.Parameters.Add(Text(ClusterId));
            bind(command.Parameters);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var members = new List<Tuple<MembershipEntry, string>>();
            TableVersion? version = null;
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                version ??= new TableVersion(reader.GetInt32(0), reader.GetInt64(1).ToString(CultureInfo.InvariantCulture));
                if (!reader.IsDBNull(2))
                {
                    members.Add(Tuple.Create(ReadEntry(reader), reader.GetInt64(10).ToString(CultureInfo.InvariantCulture)));
                }
            }

            // No version row: the table was never initialised for this cluster; nothing can be inserted against it.
            return new MembershipTableData(members, version ?? new TableVersion(0, "-1"));
        });

    private static MembershipEntry ReadEntry(NpgsqlDataReader reader) => new()
    {
        SiloAddress = SiloAddress.FromParsableString(reader.GetString(2)),
        Status = (SiloStatus)reader.GetInt32(3),
        SiloName = reader.GetString(4),
        HostName = reader.GetString(5),
        ProxyPort = reader.GetInt32(6),
        StartTime = reader.GetFieldValue<DateTime>(7),
        IAmAliveTime = reader.GetFieldValue<DateTime>(8),
        SuspectTimes = MembershipRows.DecodeSuspectTimes(reader.GetString(9)),
    };

    private void BindEntry(NpgsqlParameterCollection parameters, MembershipEntry entry)
    {
        parameters.Add(Text(ClusterId));
        parameters.Add(Text(entry.SiloAddress.ToParsableString()));
        parameters.Add(new NpgsqlParameter<int> { NpgsqlDbType = NpgsqlDbType.Integer, TypedValue = (int)entry.Status });
        parameters.Add(Text(entry.SiloName ?? ""));
        parameters.Add(Text(entry.HostName ?? ""));
        parameters.Add(new NpgsqlParameter<int> { NpgsqlDbType = NpgsqlDbType.Integer, TypedValue = entry.ProxyPort });
        parameters.Add(Time(entry.StartTime));
        parameters.Add(Time(entry.IAmAliveTime));
        parameters.Add(Text(MembershipRows.EncodeSuspectTimes(entry.SuspectTimes)));
        parameters.Add(new NpgsqlParameter<DateTimeOffset> { NpgsqlDbType = NpgsqlDbType.TimestampTz, TypedValue = MembershipRows.UpdatedAt(entry) });
    }

    private async Task<bool> ExecuteAsync(string sql, Action<NpgsqlParameterCollection> bind, CancellationToken cancellationToken)
    {
        await database.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(sql, connection);
        bind(command.Parameters);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    private static NpgsqlParameter<string> Text(string value) => new() { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = value };

    private static NpgsqlParameter<DateTimeOffset> Time(DateTime value) => new() { NpgsqlDbType = NpgsqlDbType.TimestampTz, TypedValue = new DateTimeOffset(MembershipRows.Utc(value)) };
}
