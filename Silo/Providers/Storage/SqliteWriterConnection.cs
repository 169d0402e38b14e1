using Microsoft.Data.Sqlite;

namespace Platform.Silo.Storage;

/// <summary>The writer's connection with its statements prepared once, so a write costs a bind and a step.</summary>
internal sealed class SqliteWriterConnection : IDisposable
{
    private const string VersionSql = "SELECT version FROM grain_state WHERE grain_type = $type AND grain_key = $key AND state_name = $name;";
    private const string InsertSql = "INSERT INTO grain_state (grain_type, grain_key, state_name, payload, version) VALUES ($type, $key, $name, $payload, 1) ON CONFLICT DO NOTHING;";
    private const string UpdateSql = "UPDATE grain_state SET payload = $payload, version = version + 1 WHERE grain_type = $type AND grain_key = $key AND state_name = $name AND version = $version;";

    private readonly SqliteCommand _insert;
    private readonly SqliteCommand _update;
    private readonly SqliteCommand _version;

    public SqliteWriterConnection(SqliteConnection connection)
    {
        Connection = connection;
        _insert = Create(InsertSql, withPayload: true, withVersion: false);
        _update = Create(UpdateSql, withPayload: true, withVersion: true);
        _version = Create(VersionSql, withPayload: false, withVersion: false);
    }

    public SqliteConnection Connection { get; }

    public void Enlist(SqliteTransaction transaction)
    {
        _insert.Transaction = transaction;
        _update.Transaction = transaction;
        _version.Transaction = transaction;
    }

    public int Insert(PendingWrite write) => Bind(_insert, write).ExecuteNonQuery();

    public int Update(PendingWrite write) => Bind(_update, write).ExecuteNonQuery();

    public long? ReadVersion(PendingWrite write) => Bind(_version, write).ExecuteScalar() is long version ? version : null;

    public void ReleasePayloads()
    {
        // Large states must not stay reachable from the prepared command between batches.
        _insert.Parameters["$payload"].Value = DBNull.Value;
        _update.Parameters["$payload"].Value = DBNull.Value;
    }

    public void Dispose()
    {
        _insert.Dispose();
        _update.Dispose();
        _version.Dispose();
        Connection.Dispose();
    }

    private static SqliteCommand Bind(SqliteCommand command, PendingWrite write)
    {
        var parameters = command.Parameters;
        parameters["$type"].Value = write.GrainId.Type.ToString();
        parameters["$key"].Value = write.GrainId.Key.ToString();
        parameters["$name"].Value = write.StateName;
        if (parameters.Contains("$payload"))
        {
            parameters["$payload"].Value = (object?)write.Payload ?? DBNull.Value;
        }

        if (parameters.Contains("$version"))
        {
            parameters["$version"].Value = write.ExpectedVersion;
        }

        return command;
    }

    private SqliteCommand Create(string sql, bool withPayload, bool withVersion)
    {
        var command = Connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.Add("$type", SqliteType.Text);
        command.Parameters.Add("$key", SqliteType.Text);
        command.Parameters.Add("$name", SqliteType.Text);
        if (withPayload)
        {
            command.Parameters.Add("$payload", SqliteType.Blob);
        }

        if (withVersion)
        {
            command.Parameters.Add("$version", SqliteType.Integer);
        }

        return command;
    }
}
