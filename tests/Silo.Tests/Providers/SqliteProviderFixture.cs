namespace Platform.Silo.Tests.Providers;

public sealed class SqliteProviderFixture : ProviderFixture
{
    public override string Provider => "sqlite";

    protected override Task<IDictionary<string, string?>> SettingsAsync() => Task.FromResult<IDictionary<string, string?>>(new Dictionary<string, string?>());
}
