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
    /// A KMS-backed <see cref="IKeyEncryptionKeyProvider"/> registered before this call replaces the key file.
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
        services.TryAddSingleton<LocalKeyFileProvider>();
        services.TryAddSingleton<IKeyEncryptionKeyProvider>(static sp => sp.GetRequiredService<LocalKeyFileProvider>());
        services.TryAddSingleton<KeyRotationService>();
        services.AddHostedService<KeyProviderStartup>();
        return services;
    }
}
