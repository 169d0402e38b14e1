using Microsoft.Extensions.Options;

using Platform.Testing;

namespace Platform.Security.Tests;

public sealed class KeyVaultStartupTests : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private FakeKeyVaultServer _vault = null!;

    public async ValueTask InitializeAsync() => _vault = await FakeKeyVaultServer.StartAsync();

    public async ValueTask DisposeAsync()
    {
        await _vault.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task Host_with_key_vault_selected_creates_the_kek_secret_at_start()
    {
        // One host: two silos starting at once against an empty vault each create a version (Key Vault has no
        // create-if-absent); their wraps still meet on the newest one, which the rotation tests cover on two silos.
        await using var silo = await KeyVaultSilo.StartAsync(_directory.Path, _vault, silos: 1);

        Assert.Single(_vault.Versions(KeyVaultSilo.SecretName));
        Assert.False(File.Exists(_directory.KeyFile));
    }

    [Fact]
    public async Task Wrong_client_secret_stops_the_start_naming_vault_and_credential_but_not_the_secret()
    {
        const string wrong = "not-the-secret-4f1c9a";

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            KeyVaultSilo.StartAsync(_directory.Path, _vault, settings: KeyVaultSilo.Settings(_vault, clientSecret: wrong)));

        Assert.Contains(_vault.VaultUri.AbsoluteUri, refused.Message, StringComparison.Ordinal);
        Assert.Contains("credential", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(wrong, refused.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(_vault.ClientSecret, refused.ToString(), StringComparison.Ordinal);
        Assert.Empty(_vault.Versions(KeyVaultSilo.SecretName));
    }

    [Fact]
    public async Task Unreachable_vault_stops_the_start_with_a_clear_error()
    {
        var closed = await FakeKeyVaultServer.StartAsync();
        var address = closed.VaultUri;
        await closed.DisposeAsync();

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            KeyVaultSilo.StartAsync(_directory.Path, _vault, settings: KeyVaultSilo.Settings(_vault, vaultUri: address)));

        Assert.Contains(address.AbsoluteUri, refused.Message, StringComparison.Ordinal);
        Assert.Contains("could not be reached", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Vault_uri_that_is_not_https_fails_validation_at_start()
    {
        var settings = KeyVaultSilo.Settings(_vault);
        settings["Platform:Keys:AzureKeyVault:VaultUri"] = "http://127.0.0.1:1/";

        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => KeyVaultSilo.StartAsync(_directory.Path, _vault, settings: settings));

        Assert.Contains("VaultUri", refused.Message, StringComparison.Ordinal);
        Assert.Empty(_vault.Requests);
    }

    [Fact]
    public async Task Unknown_key_provider_name_is_refused()
    {
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            EncryptionSilo.StartAsync(_directory.Path, settings: new Dictionary<string, string?> { ["Platform:Keys:Provider"] = "Vault" }));

        Assert.Contains("Platform:Keys:Provider", refused.Message, StringComparison.Ordinal);
        Assert.Contains("AzureKeyVault", refused.Message, StringComparison.Ordinal);
    }
}
