using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

using Platform.Silo.Storage;

namespace Platform.Grains.Tests.Audit;

public sealed class SqliteAuditLogTests : AuditLogTests, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("audit-sqlite-").FullName;

    private string DatabasePath => Path.Combine(_directory, "silo.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    protected override Task<Action<IServiceCollection>> StoreAsync() =>
        Task.FromResult<Action<IServiceCollection>>(services => services.AddSqliteGrainStorage(o => o.DataDirectory = _directory));

    protected override Task<int> ReplaceInPayloadAsync(string stream, long sequence, string original, string replacement) =>
        ExecuteAsync(
            "UPDATE journal SET payload = CAST(replace(CAST(payload AS TEXT), $from, $to) AS BLOB) WHERE stream = $stream AND sequence = $sequence;",
            command =>
            {
                command.Parameters.AddWithValue("$from", original);
                command.Parameters.AddWithValue("$to", replacement);
            },
            stream,
            sequence);

    protected override Task<int> SetPayloadAsync(string stream, long sequence, byte[] payload) =>
        ExecuteAsync(
            "UPDATE journal SET payload = $payload WHERE stream = $stream AND sequence = $sequence;",
            command => command.Parameters.AddWithValue("$payload", payload),
            stream,
            sequence);

    protected override Task<int> DeleteRowAsync(string stream, long sequence) =>
        ExecuteAsync("DELETE FROM journal WHERE stream = $stream AND sequence = $sequence;", static _ => { }, stream, sequence);

    private async Task<int> ExecuteAsync(string sql, Action<SqliteCommand> bind, string stream, long sequence)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString());
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$stream", stream);
        command.Parameters.AddWithValue("$sequence", sequence);
        bind(command);
        return await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }
}
