using Microsoft.Extensions.DependencyInjection;

using Npgsql;

using Platform.Silo.Storage;

namespace Platform.Grains.Tests.Audit;

public sealed class PostgresAuditLogTests(PostgresClusterFixture postgres) : AuditLogTests
{
    private string? _connectionString;

    protected override async Task<Action<IServiceCollection>> StoreAsync()
    {
        var connectionString = await ConnectionStringAsync();
        return services => services.AddPostgresGrainStorage(o => o.ConnectionString = connectionString);
    }

    protected override Task<int> ReplaceInPayloadAsync(string stream, long sequence, string original, string replacement) =>
        ExecuteAsync(
            "UPDATE journal SET payload = convert_to(replace(convert_from(payload, 'UTF8'), @from, @to), 'UTF8') WHERE stream = @stream AND sequence = @sequence",
            command =>
            {
                command.Parameters.AddWithValue("from", original);
                command.Parameters.AddWithValue("to", replacement);
            },
            stream,
            sequence);

    protected override Task<int> SetPayloadAsync(string stream, long sequence, byte[] payload) =>
        ExecuteAsync(
            "UPDATE journal SET payload = @payload WHERE stream = @stream AND sequence = @sequence",
            command => command.Parameters.AddWithValue("payload", payload),
            stream,
            sequence);

    protected override Task<int> DeleteRowAsync(string stream, long sequence) =>
        ExecuteAsync("DELETE FROM journal WHERE stream = @stream AND sequence = @sequence", static _ => { }, stream, sequence);

    private async Task<string> ConnectionStringAsync() =>
        _connectionString ??= await postgres.Cluster.CreateDatabaseAsync("audit", TestContext.Current.CancellationToken);

    private async Task<int> ExecuteAsync(string sql, Action<NpgsqlCommand> bind, string stream, long sequence)
    {
        await using var connection = new NpgsqlConnection(await ConnectionStringAsync());
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("stream", stream);
        command.Parameters.AddWithValue("sequence", sequence);
        bind(command);
        return await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }
}
