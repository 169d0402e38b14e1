using System.Security.Cryptography;

using Platform.Testing;

namespace Platform.Security.Tests;

public sealed class AzureKeyVaultKekProviderTests : IAsyncLifetime
{
    private FakeKeyVaultServer _vault = null!;

    public async ValueTask InitializeAsync() => _vault = await FakeKeyVaultServer.StartAsync();

    public ValueTask DisposeAsync() => _vault.DisposeAsync();

    [Fact]
    public async Task First_start_creates_the_secret_and_wraps_round_trip_under_its_version()
    {
        using var provider = KeyVaultSilo.Provider(_vault);
        var dataKey = RandomNumberGenerator.GetBytes(32);

        provider.EnsureLoaded();
        var wrapped = await provider.WrapAsync(dataKey, TestContext.Current.CancellationToken);

        var version = Assert.Single(_vault.Versions(KeyVaultSilo.SecretName));
        Assert.True(version.Enabled);
        Assert.Equal(version.Version, provider.CurrentKeyId);
        Assert.Equal(version.Version, wrapped.KekId);
        Assert.Equal(32, Convert.FromBase64String(version.Value).Length);
        Assert.Equal(dataKey, await provider.UnwrapAsync(wrapped, TestContext.Current.CancellationToken));
        var tampered = wrapped with { Ciphertext = [.. wrapped.Ciphertext[..^1], (byte)(wrapped.Ciphertext[^1] ^ 1)] };
        await Assert.ThrowsAsync<CryptographicException>(() => provider.UnwrapAsync(tampered, TestContext.Current.CancellationToken));

        // The SDK met the vault's challenge: one unauthenticated request, one token, then every call authenticated.
        var requests = _vault.Requests;
        Assert.Equal(1, _vault.TokensIssued);
        Assert.Null(requests[0].Header("authorization"));
        Assert.All(requests.Where(r => r.Path.StartsWith("/secrets", StringComparison.Ordinal)).Skip(1), r => Assert.StartsWith("Bearer ", r.Header("authorization"), StringComparison.Ordinal));
        Assert.All(requests.Where(r => r.Path.StartsWith("/secrets", StringComparison.Ordinal)), r => Assert.Contains("api-version=", r.Path, StringComparison.Ordinal));
    }
}
