namespace Platform.Gateway.Tests;

/// <summary>The API fixture on the embedded default: SQLite in a fresh directory, removed on dispose.</summary>
public sealed class SqliteApiFixture : ApiFixture
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("gateway-api-").FullName;

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    protected override Task<IReadOnlyDictionary<string, string?>> StoreSettingsAsync() =>
        Task.FromResult<IReadOnlyDictionary<string, string?>>(new Dictionary<string, string?> { ["Silo:Sqlite:DataDirectory"] = _dataDirectory });
}
