using System.Security.Cryptography;

using Microsoft.Extensions.Logging;

using Platform.Grains.Security;
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

    [Fact]
    public async Task A_new_provider_instance_reads_every_version_back_from_the_vault_and_keeps_the_newest_current()
    {
        var dataKey = RandomNumberGenerator.GetBytes(32);
        var wraps = new List<WrappedKey>();
        string newest;
        using (var first = KeyVaultSilo.Provider(_vault))
        {
            wraps.Add(await first.WrapAsync(dataKey, TestContext.Current.CancellationToken));
            for (var i = 0; i < 3; i++)
            {
                // Usually within one second, so the order rests on the sequence tag, not on the vault's timestamps.
                await first.RotateAsync(TestContext.Current.CancellationToken);
                wraps.Add(await first.WrapAsync(dataKey, TestContext.Current.CancellationToken));
            }

            newest = first.CurrentKeyId;
        }

        var before = _vault.Requests.Count;
        using var restarted = KeyVaultSilo.Provider(_vault);

        Assert.Equal(newest, restarted.CurrentKeyId);
        Assert.Equal(_vault.Versions(KeyVaultSilo.SecretName)[^1].Version, newest);
        Assert.Equal(4, wraps.Select(w => w.KekId).Distinct().Count());
        foreach (var wrapped in wraps)
        {
            Assert.Equal(dataKey, await restarted.UnwrapAsync(wrapped, TestContext.Current.CancellationToken));
        }

        // Four versions are two pages: the provider followed nextLink.
        Assert.Contains(_vault.Requests.Skip(before), r => r.Path.Contains("/versions", StringComparison.Ordinal) && r.Path.Contains("skiptoken", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Retired_or_disabled_version_cannot_unwrap()
    {
        var dataKey = RandomNumberGenerator.GetBytes(32);
        using var provider = KeyVaultSilo.Provider(_vault);
        var old = await provider.WrapAsync(dataKey, TestContext.Current.CancellationToken);
        var second = await provider.RotateAsync(TestContext.Current.CancellationToken);
        var underSecond = await provider.WrapAsync(dataKey, TestContext.Current.CancellationToken);
        await provider.RotateAsync(TestContext.Current.CancellationToken);

        await Assert.ThrowsAsync<InvalidOperationException>(() => provider.RetireAsync(provider.CurrentKeyId, TestContext.Current.CancellationToken));
        await provider.RetireAsync(old.KekId, TestContext.Current.CancellationToken);
        await provider.RetireAsync(old.KekId, TestContext.Current.CancellationToken);

        Assert.False(_vault.Versions(KeyVaultSilo.SecretName).Single(v => v.Version == old.KekId).Enabled);
        await Assert.ThrowsAsync<CryptographicException>(() => provider.UnwrapAsync(old, TestContext.Current.CancellationToken));
        using var restarted = KeyVaultSilo.Provider(_vault);
        var refused = await Assert.ThrowsAsync<CryptographicException>(() => restarted.UnwrapAsync(old, TestContext.Current.CancellationToken));
        Assert.Contains(old.KekId, refused.Message, StringComparison.Ordinal);

        // Disabled in the vault by an operator: a host that has not cached it cannot use it either.
        _vault.SetEnabled(KeyVaultSilo.SecretName, second, enabled: false);
        using var another = KeyVaultSilo.Provider(_vault);
        await Assert.ThrowsAsync<CryptographicException>(() => another.UnwrapAsync(underSecond, TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<CryptographicException>(() => another.UnwrapAsync(underSecond with { KekId = "../keys/other" }, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Key_material_stays_out_of_logs_and_error_messages()
    {
        var logs = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        var errors = new List<string>();
        using (var provider = KeyVaultSilo.Provider(_vault, factory.CreateLogger<AzureKeyVaultKekProvider>()))
        {
            var wrapped = await provider.WrapAsync(RandomNumberGenerator.GetBytes(32), TestContext.Current.CancellationToken);
            await provider.RotateAsync(TestContext.Current.CancellationToken);
            await provider.RetireAsync(wrapped.KekId, TestContext.Current.CancellationToken);
            errors.Add((await Assert.ThrowsAsync<CryptographicException>(() => provider.UnwrapAsync(wrapped, TestContext.Current.CancellationToken))).ToString());
        }

        _vault.SetEnabled(KeyVaultSilo.SecretName, _vault.Versions(KeyVaultSilo.SecretName)[^1].Version, enabled: false);
        using (var refused = KeyVaultSilo.Provider(_vault, factory.CreateLogger<AzureKeyVaultKekProvider>()))
        {
            errors.Add(Assert.Throws<InvalidOperationException>(refused.EnsureLoaded).ToString());
        }

        var keys = _vault.Versions(KeyVaultSilo.SecretName).Select(v => Convert.FromBase64String(v.Value)).ToArray();
        Assert.Equal(2, keys.Length);
        Assert.NotEmpty(logs.Lines);
        Canary.AssertAbsent("the provider's log", string.Join("\n", logs.Lines), keys);
        Canary.AssertAbsent("an exception", string.Join("\n", errors), keys);
    }
}
