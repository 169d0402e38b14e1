using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Platform.Grains.Security;

/// <summary>Registers encryption at rest: the KEK provider, data key generation and KEK rotation.</summary>
public static class WorkspaceEncryptionServiceCollectionExtensions
{
    /// <summary>
    /// Encrypts workspace fields with per-workspace data keys wrapped by the local key file
    /// (<c>Platform:DataDirectory</c>, <c>Platform:Keys:KeyFilePath</c>; validated and loaded when the host starts).
    /// <c>Platform:Keys:Provider</c> = <c>AzureKeyVault</c> keeps them as versions of a Key Vault secret instead
    /// (<c>Platform:Keys:AzureKeyVault</c>, see <see cref="AzureKeyVaultOptions"/>). A KMS-backed
    /// <see cref="IKeyEncryptionKeyProvider"/> registered before this call replaces either.
    /// </summary>
    public static IServiceCollection AddWorkspaceEncryption(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<KeyFileOptions>()
            .Bind(configuration.GetSection("Platform"))
            .Bind(configuration.GetSection("Platform:Keys"))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddLogging();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IDataKeyGenerator, RandomDataKeyGenerator>();
        switch (ProviderKind(configuration))
        {
            case KeyProviderKind.AzureKeyVault:
                services.AddOptions<AzureKeyVaultOptions>()
                    .Bind(configuration.GetSection(AzureKeyVaultOptions.SectionName))
                    .ValidateDataAnnotations()
                    .ValidateOnStart();
                services.TryAddSingleton<AzureKeyVaultClientFactory>();
                services.TryAddSingleton<AzureKeyVaultKekProvider>();
                services.TryAddSingleton<IKeyEncryptionKeyProvider>(static sp => sp.GetRequiredService<AzureKeyVaultKekProvider>());
                break;
            default:
                services.TryAddSingleton<LocalKeyFileProvider>();
                services.TryAddSingleton<IKeyEncryptionKeyProvider>(static sp => sp.GetRequiredService<LocalKeyFileProvider>());
                break;
        }

        services.TryAddSingleton<KeyRotationService>();
        services.AddHostedService<KeyProviderStartup>();
        return services;
    }

    private static KeyProviderKind ProviderKind(IConfiguration configuration)
    {
        var value = configuration["Platform:Keys:Provider"];
        if (string.IsNullOrWhiteSpace(value))
        {
            return KeyProviderKind.KeyFile;
        }

        // Decided while services are registered, so an unknown name fails here, before anything could run on the wrong provider.
        return Enum.TryParse<KeyProviderKind>(value, ignoreCase: true, out var kind) && Enum.IsDefined(kind)
            ? kind
            : throw new InvalidOperationException(
                $"Platform:Keys:Provider is '{value}'; use {string.Join(" or ", Enum.GetNames<KeyProviderKind>())}.");
    }
}
