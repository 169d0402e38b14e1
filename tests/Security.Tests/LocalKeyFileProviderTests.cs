using System.Security.Cryptography;
using System.Text.Json;

using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

using Platform.Grains.Security;

namespace Platform.Security.Tests;

public sealed class LocalKeyFileProviderTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    [Fact]
    public void Key_file_is_created_on_first_use_with_mode_0600()
    {
        using var provider = Provider();

        provider.EnsureLoaded();

        Assert.True(File.Exists(_directory.KeyFile));
        Assert.Equal(_directory.KeyFile, provider.KeyFilePath);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_directory.KeyFile));
        Assert.Single(provider.KeyIds);
    }

    [Fact]
    public void Key_file_readable_by_group_or_others_is_refused_naming_path_and_mode_not_content()
    {
        using (var creator = Provider())
        {
            creator.EnsureLoaded();
        }

        var content = File.ReadAllText(_directory.KeyFile);
        var key = JsonDocument.Parse(content).RootElement.GetProperty("keys")[0].GetProperty("key").GetString()!;
        File.SetUnixFileMode(_directory.KeyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        using var provider = Provider();

        var refused = Assert.Throws<InvalidOperationException>(provider.EnsureLoaded);

        Assert.Contains(_directory.KeyFile, refused.Message, StringComparison.Ordinal);
        Assert.Contains("0644", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(key, refused.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrap_round_trips_and_the_kek_id_is_authenticated()
    {
        using var provider = Provider();
        var dataKey = RandomNumberGenerator.GetBytes(32);

        var wrapped = await provider.WrapAsync(dataKey, TestContext.Current.CancellationToken);

        Assert.Equal(provider.CurrentKeyId, wrapped.KekId);
        Assert.Equal(dataKey, await provider.UnwrapAsync(wrapped, TestContext.Current.CancellationToken));
        var tampered = wrapped with { Ciphertext = [.. wrapped.Ciphertext[..^1], (byte)(wrapped.Ciphertext[^1] ^ 1)] };
        await Assert.ThrowsAsync<CryptographicException>(() => provider.UnwrapAsync(tampered, TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<CryptographicException>(() => provider.UnwrapAsync(wrapped with { KekId = "kek-unknown" }, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Rotation_keeps_old_versions_unwrapping_rewrites_atomically_and_survives_a_reload()
    {
        var dataKey = RandomNumberGenerator.GetBytes(32);
        WrappedKey old;
        string rotated;
        using (var provider = Provider())
        {
            old = await provider.WrapAsync(dataKey, TestContext.Current.CancellationToken);
            rotated = await provider.RotateAsync(TestContext.Current.CancellationToken);

            Assert.NotEqual(old.KekId, rotated);
            Assert.Equal(rotated, provider.CurrentKeyId);
            Assert.Equal(rotated, (await provider.WrapAsync(dataKey, TestContext.Current.CancellationToken)).KekId);
        }

        // No temporary file is left behind: only the key file and the empty lock its writers take.
        Assert.Equal([Path.Combine(_directory.Path, ".keys.json.lock"), _directory.KeyFile], Directory.GetFiles(_directory.Path).Order(StringComparer.Ordinal));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_directory.KeyFile));
        using var reloaded = Provider();
        Assert.Equal(rotated, reloaded.CurrentKeyId);
        Assert.Equal(new[] { old.KekId, rotated }.Order(StringComparer.Ordinal), reloaded.KeyIds.Order(StringComparer.Ordinal));
        Assert.Equal(dataKey, await reloaded.UnwrapAsync(old, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Retired_version_no_longer_unwraps_and_the_current_one_cannot_be_retired()
    {
        using var provider = Provider();
        var old = await provider.WrapAsync(RandomNumberGenerator.GetBytes(32), TestContext.Current.CancellationToken);
        var current = await provider.RotateAsync(TestContext.Current.CancellationToken);

        await provider.RetireAsync(old.KekId, TestContext.Current.CancellationToken);
        await provider.RetireAsync(old.KekId, TestContext.Current.CancellationToken);

        Assert.Equal([current], provider.KeyIds);
        await Assert.ThrowsAsync<CryptographicException>(() => provider.UnwrapAsync(old, TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<InvalidOperationException>(() => provider.RetireAsync(current, TestContext.Current.CancellationToken));
        using var reloaded = Provider();
        Assert.Equal([current], reloaded.KeyIds);
    }

    [Fact]
    public void Providers_starting_together_over_one_new_directory_all_wrap_under_the_one_key_the_file_holds()
    {
        // Nodes sharing a volume, or silos of one process, start at once: each round is a new directory and four
        // providers creating its file in the same instant. A check-then-rename lets two of them "create" it.
        for (var round = 0; round < 40; round++)
        {
            using var directory = new TempDirectory();
            var providers = Enumerable.Range(0, 4).Select(_ => Provider(directory)).ToArray();
            using var start = new Barrier(providers.Length);
            var threads = providers.Select(p => new Thread(() =>
            {
                start.SignalAndWait();
                p.EnsureLoaded();
            })).ToArray();
            foreach (var thread in threads)
            {
                thread.Start();
            }

            foreach (var thread in threads)
            {
                thread.Join();
            }

            using var reader = Provider(directory);
            Assert.All(providers, p => Assert.Equal(reader.CurrentKeyId, p.CurrentKeyId));
            Assert.Single(reader.KeyIds);
            foreach (var provider in providers)
            {
                provider.Dispose();
            }
        }
    }

    [Fact]
    public async Task Rotations_by_two_providers_at_once_both_keep_their_new_key_in_the_file()
    {
        for (var round = 0; round < 20; round++)
        {
            using var directory = new TempDirectory();
            using var first = Provider(directory);
            using var second = Provider(directory);
            var original = first.CurrentKeyId;
            Assert.Equal(original, second.CurrentKeyId);

            using var start = new Barrier(2);
            var rotated = await Task.WhenAll(
                Task.Run(() => { start.SignalAndWait(); return first.RotateAsync(); }, TestContext.Current.CancellationToken),
                Task.Run(() => { start.SignalAndWait(); return second.RotateAsync(); }, TestContext.Current.CancellationToken));

            // A rotation that read the file before the other's write and wrote after it would drop the other's key.
            using var reloaded = Provider(directory);
            Assert.Equal(new[] { original, rotated[0], rotated[1] }.Order(StringComparer.Ordinal), reloaded.KeyIds.Order(StringComparer.Ordinal));
            Assert.Contains(reloaded.CurrentKeyId, rotated);
        }
    }

    [Fact]
    public void Broken_key_file_is_refused_without_quoting_it()
    {
        File.WriteAllText(_directory.KeyFile, "{\"format\":1,\"current\":\"k\",\"keys\":[{\"id\":\"k\",\"key\":\"SECRETSECRETnotbase64!!\"}]}");
        File.SetUnixFileMode(_directory.KeyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        using var provider = Provider();

        var refused = Assert.Throws<InvalidOperationException>(provider.EnsureLoaded);

        Assert.Contains(_directory.KeyFile, refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRETSECRET", refused.ToString(), StringComparison.Ordinal);
    }

    public void Dispose() => _directory.Dispose();

    private LocalKeyFileProvider Provider() => Provider(_directory);

    private static LocalKeyFileProvider Provider(TempDirectory directory) =>
        new(Options.Create(new KeyFileOptions { DataDirectory = directory.Path }), TimeProvider.System, NullLogger<LocalKeyFileProvider>.Instance);
}
