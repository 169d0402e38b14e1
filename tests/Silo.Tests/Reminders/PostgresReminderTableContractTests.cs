using Npgsql;

using Platform.Silo.Tests.Storage;

namespace Platform.Silo.Tests.Reminders;

public sealed class PostgresReminderTableContractTests(PostgresClusterFixture postgres) : ReminderTableContractTests
{
    protected override async Task<StorageHost> StartHostAsync() => await StorageHost.StartPostgresAsync(await postgres.SharedDatabaseAsync());

    protected override async Task<StorageHost> StartOnLegacyRowsAsync(IReadOnlyList<LegacyReminder> rows)
    {
        var database = await postgres.Cluster.CreateDatabaseAsync("legacy", TestContext.Current.CancellationToken);
        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.OpenAsync(TestContext.Current.CancellationToken);

            // The old runtime's table: no ring hash, no version.
            await using (var create = new NpgsqlCommand("""
                CREATE TABLE reminders (
                    grain_type text NOT NULL,
                    grain_key text NOT NULL,
                    name text NOT NULL,
                    due_at timestamptz NOT NULL,
                    period_ms bigint NOT NULL,
                    PRIMARY KEY (grain_type, grain_key, name)
                );
                """, connection))
            {
                await create.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
            }

            foreach (var row in rows)
            {
                await using var insert = new NpgsqlCommand("INSERT INTO reminders (grain_type, grain_key, name, due_at, period_ms) VALUES ($1, $2, $3, $4, $5)", connection);
                insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = row.GrainType });
                insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = row.GrainKey });
                insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = row.Name });
                insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = row.DueAt.ToUniversalTime() });
                insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = row.PeriodMilliseconds });
                await insert.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
            }
        }

        return await StorageHost.StartPostgresAsync(database);
    }
}
