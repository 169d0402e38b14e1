using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Platform.Grains.Interfaces.Notes;
using Platform.Silo.Storage;

namespace Platform.Grains.Tests.Tools;

/// <summary>Notes on PostgreSQL, the production store: ciphertext only in the state row, durable and idempotent across a restart.</summary>
public sealed class PostgresNotesTests(PostgresClusterFixture postgres) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("notes-pg-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Notes_survive_a_restart_as_ciphertext_and_a_retried_write_after_it_is_a_no_op()
    {
        var connectionString = await postgres.Cluster.CreateDatabaseAsync("notes", TestContext.Current.CancellationToken);
        Action<IServiceCollection> store = services => services.AddPostgresGrainStorage(o => o.ConnectionString = connectionString);
        var workspace = $"ws-notes-{Guid.NewGuid():N}";
        const string Canary = "CANARY-pg-41d2e8";

        await using (var first = await ToolsSilo.StartAsync(_directory, new Dictionary<string, string?>(), store))
        {
            Assert.True((await first.Grains.GetGrain<INotesGrain>(workspace).WriteAsync(new NoteWrite("call-1", $"Door code {Canary}"))).Created);
        }

        await using var second = await ToolsSilo.StartAsync(_directory, new Dictionary<string, string?>(), store);
        var notes = second.Grains.GetGrain<INotesGrain>(workspace);

        Assert.Equal(new NoteWritten("note-1", false), await notes.WriteAsync(new NoteWrite("call-1", $"Door code {Canary}")));
        Assert.Equal($"Door code {Canary}", Assert.Single(await notes.ReadAsync()).Text);

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand("SELECT payload FROM grain_state WHERE grain_key = @key AND payload IS NOT NULL", connection);
        command.Parameters.AddWithValue("key", workspace);
        var payloads = new List<byte[]>();
        await using (var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken))
        {
            while (await reader.ReadAsync(TestContext.Current.CancellationToken))
            {
                payloads.Add((byte[])reader[0]);
            }
        }

        Assert.Contains(payloads, static p => p.AsSpan().IndexOf("note-1"u8) >= 0);
        Assert.All(payloads, static p => Assert.True(p.AsSpan().IndexOf(Encoding.UTF8.GetBytes(Canary)) < 0, "the note's plaintext is in PostgreSQL"));
    }
}
