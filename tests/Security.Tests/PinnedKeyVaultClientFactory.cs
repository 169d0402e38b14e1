using Azure.Core;
using Azure.Core.Pipeline;

using Platform.Grains.Security;
using Platform.Testing;

namespace Platform.Security.Tests;

/// <summary>
/// Sends the Key Vault and token requests to <see cref="FakeKeyVaultServer"/>, trusting its self-signed certificate and
/// nothing else, without retries (a refused connection fails at once instead of after the SDK's back-off).
/// </summary>
public sealed class PinnedKeyVaultClientFactory(FakeKeyVaultServer vault) : AzureKeyVaultClientFactory
{
    protected override void ConfigureClientOptions(ClientOptions clientOptions)
    {
        ArgumentNullException.ThrowIfNull(clientOptions);
        clientOptions.Transport = new HttpClientTransport(LoopbackCertificate.PinnedHandler(vault.Certificate));
        clientOptions.Retry.MaxRetries = 0;
    }
}
