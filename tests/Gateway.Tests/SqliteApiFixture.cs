namespace Platform.Gateway.Tests;

/// <summary>The API fixture on the embedded default: SQLite in a fresh directory, removed on dispose.</summary>
public sealed class SqliteApiFixture : ApiFixture
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("gateway-api-").FullName;

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();

        // Pooled connections keep the database and its WAL files open after the host stops; on a loaded machine a
        // delete can also meet a file still being closed. A leftover temp directory is harmless; failing the run is not.
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        for (var attempt = 1; Directory.Exists(_dataDirectory); attempt++)
        {
            try
            {
                Directory.Delete(_dataDirectory, recursive: true);
            }
            catch (IOException) when (attempt < 5)
            {
                await Task.Delay(200);
            }
            catch (IOException)
            {
                return;
            }
        }
    }

    protected override Task<IReadOnlyDictionary<string, string?>> StoreSettingsAsync() =>
        Task.FromResult<IReadOnlyDictionary<string, string?>>(new Dictionary<string, string?> { ["Silo:Sqlite:DataDirectory"] = _dataDirectory });
}
