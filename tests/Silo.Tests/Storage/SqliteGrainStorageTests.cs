using System.Text;

namespace Platform.Silo.Tests.Storage;

/// <summary>SQLite behaviour beyond the shared contract: the file on disk, shutdown, and an unusable path.</summary>
public sealed class SqliteGrainStorageTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("silo-sqlite-");

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public async Task Missing_data_directory_is_created_and_the_file_uses_write_ahead_logging()
    {
        var nested = Path.Combine(_directory.FullName, "a", "b");

        await using (var host = await StorageHost.StartSqliteAsync(nested))
        {
            await host.Store.WriteAsync(GrainId.Create("sqlite", "wal"), "state", Encoding.UTF8.GetBytes("x"), null, Cancellation);
        }

        Assert.True(File.Exists(Path.Combine(nested, "silo.db")), "the database file was not created in the missing data directory");
        var header = new byte[20];
        await using (var file = File.OpenRead(Path.Combine(nested, "silo.db")))
        {
            await file.ReadExactlyAsync(header, Cancellation);
        }

        // Bytes 18 and 19 of the SQLite header are the file format versions; 2 means WAL.
        Assert.Equal((byte)2, header[18]);
        Assert.Equal((byte)2, header[19]);
    }

    [Fact]
    public async Task Disposing_commits_every_write_already_queued()
    {
        Task<string>[] pending;
        await using (var host = await StorageHost.StartSqliteAsync(_directory.FullName))
        {
            pending = Enumerable.Range(0, 500)
                .Select(i => host.Store.WriteAsync(GrainId.Create("drain", i.ToString(System.Globalization.CultureInfo.InvariantCulture)), "state", Encoding.UTF8.GetBytes($"v{i}"), null, Cancellation))
                .ToArray();
        }

        // Callers resume asynchronously, so give them a moment; a write the drain dropped would never complete at all.
        var completed = Task.WhenAll(pending);
        var finished = await Task.WhenAny(completed, Task.Delay(TimeSpan.FromSeconds(30), Cancellation));
        Assert.True(finished == completed, "waited 30 s for the writes queued before disposal to complete; the drain left some behind");
        await completed;
        await using var reopened = await StorageHost.StartSqliteAsync(_directory.FullName);
        for (var i = 0; i < pending.Length; i++)
        {
            var stored = await reopened.Store.ReadAsync(GrainId.Create("drain", i.ToString(System.Globalization.CultureInfo.InvariantCulture)), "state", Cancellation);
            Assert.Equal($"v{i}", Encoding.UTF8.GetString(stored!.Payload!));
        }
    }

    [Fact]
    public async Task Unusable_database_path_fails_as_storage_unavailable_naming_the_path()
    {
        // A file where the data directory should be: no process, not even root, can create the database there.
        var blocker = Path.Combine(_directory.FullName, "blocker");
        await File.WriteAllTextAsync(blocker, "not a directory", Cancellation);
        var unusable = Path.Combine(blocker, "data");
        await using var host = await StorageHost.StartSqliteAsync(unusable, initialize: false);
        var grain = GrainId.Create("sqlite", "unavailable");

        var read = await Assert.ThrowsAsync<StorageUnavailableException>(() => host.Store.ReadAsync(grain, "state", Cancellation));
        var write = await Assert.ThrowsAsync<StorageUnavailableException>(() => host.Store.WriteAsync(grain, "state", new byte[1], null, Cancellation));

        Assert.StartsWith("SQLite storage is unavailable", read.Message, StringComparison.Ordinal);
        Assert.Contains(unusable, read.Message, StringComparison.Ordinal);
        Assert.StartsWith("SQLite storage is unavailable", write.Message, StringComparison.Ordinal);
    }
}
