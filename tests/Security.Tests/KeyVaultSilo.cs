using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

using Platform.Grains.Security;
using Platform.Testing;

namespace Platform.Security.Tests;

/// <summary>Silos and providers whose KEKs live in a <see cref="FakeKeyVaultServer"/>, reached by the real Azure SDK.</summary>
public static class KeyVaultSilo
{
    public const string SecretName = "platform-kek";

    /// <summary>The configuration a deployment would give, pointed at the fake (with <paramref name="clientSecret"/> if given).</summary>
    public static Dictionary<string, string?> Settings(FakeKeyVaultServer vault, string? clientSecret = null, Uri? vaultUri = null) => new()
    {
        ["Platform:Keys:Provider"] = "AzureKeyVault",
        ["Platform:Keys:AzureKeyVault:VaultUri"] = (vaultUri ?? vault.VaultUri).AbsoluteUri,
        ["Platform:Keys:AzureKeyVault:SecretName"] = SecretName,
        ["Platform:Keys:AzureKeyVault:TenantId"] = vault.TenantId,
        ["Platform:Keys:AzureKeyVault:ClientId"] = vault.ClientId,
        ["Platform:Keys:AzureKeyVault:ClientSecret"] = clientSecret ?? vault.ClientSecret,
        ["Platform:Keys:AzureKeyVault:AuthorityHost"] = vault.AuthorityHost.AbsoluteUri,
        ["Platform:Keys:AzureKeyVault:DisableInstanceDiscovery"] = "true",
        ["Platform:Keys:AzureKeyVault:DisableChallengeResourceVerification"] = "true",
    };

    public static Task<PlatformTestCluster> StartAsync(
        string dataDirectory,
        FakeKeyVaultServer vault,
        Action<IServiceCollection>? more = null,
        IDictionary<string, string?>? settings = null,
        short silos = 2)
    {
        if (silos > 1 && settings is null && vault.Versions(SecretName).Count == 0)
        {
            // Two silos starting at once against an empty vault each create a first version (Key Vault has no
            // create-if-absent; a known limitation, see KeyVaultStartupTests): the first start of an installation is
            // one silo's, as a deployment's first start would be, and every later start finds the secret.
            using var first = Provider(vault);
            first.EnsureLoaded();
        }

        return EncryptionSilo.StartAsync(
            dataDirectory,
            services =>
            {
                more?.Invoke(services);
                services.AddSingleton<AzureKeyVaultClientFactory>(new PinnedKeyVaultClientFactory(vault));
            },
            settings ?? Settings(vault),
            silos);
    }

    /// <summary>A provider outside any host, as a new process would create it.</summary>
    public static AzureKeyVaultKekProvider Provider(FakeKeyVaultServer vault, ILogger<AzureKeyVaultKekProvider>? logger = null)
    {
        var options = new AzureKeyVaultOptions
        {
            VaultUri = vault.VaultUri,
            SecretName = SecretName,
            TenantId = vault.TenantId,
            ClientId = vault.ClientId,
            ClientSecret = vault.ClientSecret,
            AuthorityHost = vault.AuthorityHost,
            DisableInstanceDiscovery = true,
            DisableChallengeResourceVerification = true,
        };
        return new AzureKeyVaultKekProvider(
            Options.Create(options),
            new PinnedKeyVaultClientFactory(vault),
            TimeProvider.System,
            logger ?? NullLogger<AzureKeyVaultKekProvider>.Instance);
    }
}
