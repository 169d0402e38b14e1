namespace Platform.Gateway.Tests;

/// <summary>The proxy fixture on the embedded default: SQLite in a fresh directory.</summary>
public sealed class SqliteProxyFixture : ProxyFixture
{
    protected override Task<IReadOnlyDictionary<string, string?>> StoreSettingsAsync() =>
        Task.FromResult<IReadOnlyDictionary<string, string?>>(new Dictionary<string, string?>());
}
