using Microsoft.Extensions.Options;

namespace Platform.Silo.Tests.Storage;

/// <summary>The connection string may come from a file (a mounted secret); a missing or unreadable one stops the start, naming the setting only.</summary>
public sealed class PostgresConnectionStringFileTests(PostgresClusterFixture postgres) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("pg-secret-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task A_connection_string_read_from_a_file_connects()
    {
        var file = Path.Combine(_directory, "connection-string");
        await File.WriteAllTextAsync(file, await postgres.SharedDatabaseAsync() + "\n", Ct);

        await using var host = await StorageHost.StartPostgresAsync("", o => o.ConnectionStringFile = file);

        Assert.True(await host.Journal.AppendAsync($"file-{Guid.NewGuid():N}", 0, [new byte[] { 1 }], Ct) > 0);
    }

    [Fact]
    public async Task An_unreadable_file_stops_the_start_naming_the_setting()
    {
        var missing = Path.Combine(_directory, "absent");

        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => StorageHost.StartPostgresAsync("", o => o.ConnectionStringFile = missing));

        Assert.Contains("Silo:Postgres:ConnectionStringFile", refused.Message, StringComparison.Ordinal);
        Assert.Contains(missing, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Neither_a_connection_string_nor_a_file_is_refused_naming_both()
    {
        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => StorageHost.StartPostgresAsync(""));

        Assert.Contains("Silo:Postgres:ConnectionString (or Silo:Postgres:ConnectionStringFile)", refused.Message, StringComparison.Ordinal);
    }
}
