using Microsoft.Extensions.Hosting;

namespace Platform.Grains.Security;

/// <summary>Loads the key-encryption keys while the host starts, so an unsafe or broken key file, or an unreachable Key Vault or refused credential, stops the start instead of the first encryption.</summary>
internal sealed class KeyProviderStartup(IKeyEncryptionKeyProvider provider) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Reading the current key id makes any provider load and check its keys.
        _ = provider.CurrentKeyId;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
