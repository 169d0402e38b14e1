using Npgsql;

using Platform.Silo.Storage;

namespace Platform.Silo.Tests.Storage;

/// <summary>
/// The schema a node applies at start, and what it does when the operator applies it instead
/// (<c>Silo:Postgres:ApplySchema=false</c>): it starts on a database that has the tables and refuses one that does not.
/// </summary>
public sealed class PostgresSchemaTests(PostgresClusterFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_node_that_must_not_apply_the_schema_refuses_a_database_without_it_naming_the_tables()
    {
        var database = await postgres.Cluster.CreateDatabaseAsync("noschema", Ct);

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => StorageHost.StartPostgresAsync(database, o => o.ApplySchema = false));

        Assert.Contains("grain_state, reminders, journal, membership_versions, membership", refused.Message, StringComparison.Ordinal);
        Assert.Contains("PostgresSchema.sql", refused.Message, StringComparison.Ordinal);
        Assert.Empty(await TablesAsync(database));
    }

    [Fact]
    public async Task The_schema_file_applied_by_an_operator_twice_is_what_a_node_needs()
    {
        var database = await postgres.Cluster.CreateDatabaseAsync("operator", Ct);
        using var stream = typeof(PostgresDatabase).Assembly.GetManifestResourceStream("Platform.Silo.Storage.PostgresSchema.sql")!;
        var schema = await new StreamReader(stream).ReadToEndAsync(Ct);
        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.OpenAsync(Ct);
            for (var i = 0; i < 2; i++)
            {
                await using var apply = new NpgsqlCommand(schema, connection);
                await apply.ExecuteNonQueryAsync(Ct);
            }
        }

        await using var host = await StorageHost.StartPostgresAsync(database, o => o.ApplySchema = false);
        await host.Journal.AppendAsync("schema-check", 0, [new byte[] { 1 }], Ct);

        Assert.Equal(["grain_state", "journal", "membership", "membership_versions", "reminders"], await TablesAsync(database));
    }

    private static async Task<List<string>> TablesAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name", connection);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var tables = new List<string>();
        while (await reader.ReadAsync(Ct))
        {
            tables.Add(reader.GetString(0));
        }

        return tables;
    }
}
