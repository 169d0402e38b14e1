namespace Platform.Gateway.Tests;

/// <summary>The proxy gateway on SQLite with the operator's choice to label the platform's series by workspace.</summary>
public sealed class LabelledProxyFixture : ProxyFixture
{
    protected override Task<IReadOnlyDictionary<string, string?>> StoreSettingsAsync() =>
        Task.FromResult<IReadOnlyDictionary<string, string?>>(new Dictionary<string, string?> { ["Platform:Telemetry:WorkspaceLabel"] = "true" });
}
