using Azure.Core;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;

namespace Platform.Grains.Security;

/// <summary>
/// Builds the <see cref="SecretClient"/> (and its credential) that <see cref="AzureKeyVaultKekProvider"/> uses. A class
/// registered in DI rather than a <c>new</c> inside the provider so a host can change the HTTP transport, proxy or retry
/// policy in code (tests pin a self-signed certificate here) without a setting that could switch off TLS checks.
/// </summary>
public class AzureKeyVaultClientFactory
{
    /// <summary>Creates a client for <see cref="AzureKeyVaultOptions.VaultUri"/> with the configured credential.</summary>
    public SecretClient CreateClient(AzureKeyVaultOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var vault = options.VaultUri ?? throw new InvalidOperationException($"{AzureKeyVaultOptions.SectionName}:VaultUri is not set.");
        var clientOptions = new SecretClientOptions
        {
            DisableChallengeResourceVerification = options.DisableChallengeResourceVerification,
        };
        ConfigureClientOptions(clientOptions);
        return new SecretClient(vault, CreateCredential(options), clientOptions);
    }

    /// <summary>
    /// A hook for the transport, retry and diagnostics of both the vault and the token requests. The default keeps the
    /// Azure SDK's defaults; an override must not turn on content logging, which would log key material.
    /// </summary>
    protected virtual void ConfigureClientOptions(ClientOptions clientOptions)
    {
    }

    private TokenCredential CreateCredential(AzureKeyVaultOptions options)
    {
        if (options.UsesClientSecret)
        {
            var secretOptions = new ClientSecretCredentialOptions { DisableInstanceDiscovery = options.DisableInstanceDiscovery };
            if (options.AuthorityHost is { } authority)
            {
                secretOptions.AuthorityHost = authority;
            }

            ConfigureClientOptions(secretOptions);
            return new ClientSecretCredential(options.TenantId, options.ClientId, options.ClientSecret, secretOptions);
        }

        var defaultOptions = new DefaultAzureCredentialOptions { DisableInstanceDiscovery = options.DisableInstanceDiscovery };
        if (options.AuthorityHost is { } host)
        {
            defaultOptions.AuthorityHost = host;
        }

        if (!string.IsNullOrWhiteSpace(options.TenantId))
        {
            defaultOptions.TenantId = options.TenantId;
        }

        ConfigureClientOptions(defaultOptions);
        return new DefaultAzureCredential(defaultOptions);
    }
}
