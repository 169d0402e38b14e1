using Microsoft.Data.Sqlite;

using Platform.Silo.Tests.Storage;

namespace Platform.Silo.Tests.Reminders;

public sealed class SqliteReminderTableContractTests : ReminderTableContractTests
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("silo-reminders-");

    protected override Task<StorageHost> StartHostAsync() => StorageHost.StartSqliteAsync(_directory.FullName);

    protected override async Task<StorageHost> StartOnLegacyRowsAsync(IReadOnlyList<LegacyReminder> rows)
    {
        var directory = Directory.CreateDirectory(Path.Combine(_directory.FullName, "legacy"));
        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(directory.FullName, "silo.db")};Pooling=False"))
        {
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            using var create = connection.CreateCommand();

            // The old runtime's table: due times in unix milliseconds, no ring hash, no version.
            create.CommandText = """
                CREATE TABLE reminders (
                    grain_type TEXT NOT NULL,
                    grain_key TEXT NOT NULL,
                    name TEXT NOT NULL,
                    due_at INTEGER NOT NULL,
                    period_ms INTEGER NOT NULL,
                    PRIMARY KEY (grain_type, grain_key, name)
                );
                """;
            await create.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
            foreach (var row in rows)
            {
                using var insert = connection.CreateCommand();
                insert.CommandText = "INSERT INTO reminders (grain_type, grain_key, name, due_at, period_ms) VALUES ($type, $key, $name, $due, $period);";
                insert.Parameters.AddWithValue("$type", row.GrainType);
                insert.Parameters.AddWithValue("$key", row.GrainKey);
                insert.Parameters.AddWithValue("$name", row.Name);
                insert.Parameters.AddWithValue("$due", row.DueAt.ToUnixTimeMilliseconds());
                insert.Parameters.AddWithValue("$period", row.PeriodMilliseconds);
                await insert.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
            }
        }

        return await StorageHost.StartSqliteAsync(directory.FullName);
    }

    protected override ValueTask CleanUpAsync()
    {
        SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
        return ValueTask.CompletedTask;
    }
}
