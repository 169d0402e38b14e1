namespace Platform.Gateway.Tests;

public sealed class TruthfulRunsTestsOnSqlite : TruthfulRunsTests
{
    // The factory's own temp directory holds the SQLite file: the embedded default.
    protected override Task<IReadOnlyDictionary<string, string?>> StoreSettingsAsync() =>
        Task.FromResult<IReadOnlyDictionary<string, string?>>(new Dictionary<string, string?>());
}
