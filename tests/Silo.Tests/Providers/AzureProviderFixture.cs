namespace Platform.Silo.Tests.Providers;

/// <summary>Orleans' Azure Table grain storage as <c>Silo:Storage=azure</c> configures it, against Azurite.</summary>
public sealed class AzureProviderFixture : ProviderFixture
{
    private readonly AzuriteServer _azurite = new();

    public override string Provider => "azure";

    protected override async Task<IDictionary<string, string?>> SettingsAsync()
    {
        await _azurite.InitializeAsync();
        return new Dictionary<string, string?> { ["Silo:Azure:ConnectionString"] = _azurite.ConnectionString };
    }

    protected override ValueTask StopAsync() => _azurite.DisposeAsync();
}
