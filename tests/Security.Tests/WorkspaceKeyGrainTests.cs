using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

using Microsoft.Extensions.DependencyInjection;

using Platform.Grains.Interfaces.Security;
using Platform.Silo.Storage;

namespace Platform.Security.Tests;

public sealed class WorkspaceKeyGrainTests : IDisposable
{
    private static readonly ImmutableArray<byte> s_message = [.. Encoding.UTF8.GetBytes("please send the Q3 numbers to Alice")];
    private readonly TempDirectory _directory = new();

    [Fact]
    public async Task Field_round_trips_and_still_decrypts_in_a_restarted_silo()
    {
        var workspace = EncryptionSilo.NewWorkspace("round");
        EncryptedField field;
        await using (var silo = await EncryptionSilo.StartAsync(_directory.Path))
        {
            var keys = silo.Grains.GetGrain<IWorkspaceKeyGrain>(workspace);
            field = await keys.EncryptAsync(new EncryptRequest("run.message", s_message));

            Assert.Equal(1, field.KeyVersion);
            Assert.Equal(s_message, await keys.DecryptAsync(new DecryptRequest("run.message", field.Ciphertext)), EqualityComparer<byte>.Default);
        }

        await using var restarted = await EncryptionSilo.StartAsync(_directory.Path);
        var again = restarted.Grains.GetGrain<IWorkspaceKeyGrain>(workspace);
        Assert.Equal(s_message, await again.DecryptAsync(new DecryptRequest("run.message", field.Ciphertext)), EqualityComparer<byte>.Default);
    }

    [Fact]
    public async Task Ciphertext_of_another_workspace_or_purpose_or_altered_is_refused()
    {
        await using var silo = await EncryptionSilo.StartAsync(_directory.Path);
        var a = silo.Grains.GetGrain<IWorkspaceKeyGrain>(EncryptionSilo.NewWorkspace("a"));
        var b = silo.Grains.GetGrain<IWorkspaceKeyGrain>(EncryptionSilo.NewWorkspace("b"));
        var field = await a.EncryptAsync(new EncryptRequest("run.message", s_message));
        await b.EncryptAsync(new EncryptRequest("run.message", s_message));
        var altered = field.Ciphertext.SetItem(field.Ciphertext.Length - 1, (byte)(field.Ciphertext[^1] ^ 0x80));

        await Assert.ThrowsAnyAsync<CryptographicException>(() => b.DecryptAsync(new DecryptRequest("run.message", field.Ciphertext)));
        await Assert.ThrowsAnyAsync<CryptographicException>(() => a.DecryptAsync(new DecryptRequest("secret.value", field.Ciphertext)));
        await Assert.ThrowsAnyAsync<CryptographicException>(() => a.DecryptAsync(new DecryptRequest("run.message", altered)));
        await Assert.ThrowsAnyAsync<CryptographicException>(() => a.DecryptAsync(new DecryptRequest("run.message", field.Ciphertext[..10])));
    }

    [Fact]
    public async Task Ciphertext_moved_to_another_workspace_with_the_same_data_key_is_still_refused()
    {
        // Even if two workspaces somehow held the same data key, the workspace id in the associated data keeps them apart.
        var shared = RandomNumberGenerator.GetBytes(32);
        await using var silo = await EncryptionSilo.StartAsync(_directory.Path, s => s.AddSingleton<Grains.Security.IDataKeyGenerator>(new FixedDataKeyGenerator(shared)));
        var a = silo.Grains.GetGrain<IWorkspaceKeyGrain>(EncryptionSilo.NewWorkspace("a"));
        var b = silo.Grains.GetGrain<IWorkspaceKeyGrain>(EncryptionSilo.NewWorkspace("b"));
        var field = await a.EncryptAsync(new EncryptRequest("run.message", s_message));
        await b.EncryptAsync(new EncryptRequest("run.message", s_message));

        await Assert.ThrowsAnyAsync<CryptographicException>(() => b.DecryptAsync(new DecryptRequest("run.message", field.Ciphertext)));
    }

    [Fact]
    public async Task Data_key_rotation_keeps_old_ciphertexts_readable_and_encrypts_new_ones_with_the_new_version()
    {
        await using var silo = await EncryptionSilo.StartAsync(_directory.Path);
        var keys = silo.Grains.GetGrain<IWorkspaceKeyGrain>(EncryptionSilo.NewWorkspace("rotate"));
        var before = await keys.EncryptAsync(new EncryptRequest("tool.arguments", s_message));

        var status = await keys.RotateDataKeyAsync();
        var after = await keys.EncryptAsync(new EncryptRequest("tool.arguments", s_message));

        Assert.Equal(2, status.CurrentVersion);
        Assert.Equal([1, 2], status.Versions.Select(v => v.Version));
        Assert.Equal(1, before.KeyVersion);
        Assert.Equal(2, after.KeyVersion);
        Assert.Equal(s_message, await keys.DecryptAsync(new DecryptRequest("tool.arguments", before.Ciphertext)), EqualityComparer<byte>.Default);
        Assert.Equal(s_message, await keys.DecryptAsync(new DecryptRequest("tool.arguments", after.Ciphertext)), EqualityComparer<byte>.Default);
    }

    [Fact]
    public async Task Destroyed_key_refuses_decrypt_and_encrypt_and_storage_keeps_no_wrapped_key()
    {
        var workspace = EncryptionSilo.NewWorkspace("destroy");
        EncryptedField field;
        string[] wrappedBefore;
        await using (var silo = await EncryptionSilo.StartAsync(_directory.Path))
        {
            var keys = silo.Grains.GetGrain<IWorkspaceKeyGrain>(workspace);
            field = await keys.EncryptAsync(new EncryptRequest("secret.value", s_message));
            await keys.RotateDataKeyAsync();
            wrappedBefore = WrappedKeys(await ReadRowAsync(silo.Services, workspace));
            Assert.Equal(2, wrappedBefore.Length);

            var status = await keys.DestroyAsync();

            Assert.True(status.IsDestroyed);
            Assert.Empty(status.Versions);
            var refused = await Assert.ThrowsAsync<WorkspaceKeyDestroyedException>(() => keys.DecryptAsync(new DecryptRequest("secret.value", field.Ciphertext)));
            Assert.Contains(workspace, refused.Message, StringComparison.Ordinal);
            await Assert.ThrowsAsync<WorkspaceKeyDestroyedException>(() => keys.EncryptAsync(new EncryptRequest("secret.value", s_message)));
            await Assert.ThrowsAsync<WorkspaceKeyDestroyedException>(keys.RotateDataKeyAsync);
        }

        await using var restarted = await EncryptionSilo.StartAsync(_directory.Path);
        var row = await ReadRowAsync(restarted.Services, workspace);
        Assert.Empty(WrappedKeys(row));
        foreach (var wrapped in wrappedBefore)
        {
            Assert.DoesNotContain(wrapped, row, StringComparison.Ordinal);
        }

        var again = restarted.Grains.GetGrain<IWorkspaceKeyGrain>(workspace);
        await Assert.ThrowsAsync<WorkspaceKeyDestroyedException>(() => again.DecryptAsync(new DecryptRequest("secret.value", field.Ciphertext)));
        await Assert.ThrowsAsync<WorkspaceKeyDestroyedException>(() => again.EncryptAsync(new EncryptRequest("secret.value", s_message)));
        Assert.True((await again.GetStatusAsync()).IsDestroyed);
    }

    [Fact]
    public async Task Status_names_versions_and_kek_but_stored_state_holds_only_wrapped_keys()
    {
        var dataKey = RandomNumberGenerator.GetBytes(32);
        var workspace = EncryptionSilo.NewWorkspace("status");
        await using var silo = await EncryptionSilo.StartAsync(_directory.Path, s => s.AddSingleton<Grains.Security.IDataKeyGenerator>(new FixedDataKeyGenerator(dataKey)));
        var keys = silo.Grains.GetGrain<IWorkspaceKeyGrain>(workspace);
        Assert.Equal(0, (await keys.GetStatusAsync()).CurrentVersion);
        await keys.EncryptAsync(new EncryptRequest("run.message", s_message));

        var status = await keys.GetStatusAsync();

        var kekId = silo.Services.GetRequiredService<Grains.Security.IKeyEncryptionKeyProvider>().CurrentKeyId;
        Assert.Equal(new DataKeyVersionInfo(1, kekId, silo.Time.GetUtcNow()), Assert.Single(status.Versions));
        var row = await ReadRowAsync(silo.Services, workspace);
        Assert.DoesNotContain(Convert.ToBase64String(dataKey), row, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(dataKey), JsonSerializer.Serialize(status), StringComparison.Ordinal);
    }

    public void Dispose() => _directory.Dispose();

    internal static async Task<string> ReadRowAsync(IServiceProvider services, string workspace)
    {
        var stored = await services.GetRequiredService<IGrainStateStore>()
            .ReadAsync(GrainId.Create("workspace-key", workspace), "keys", TestContext.Current.CancellationToken);
        return stored?.Payload is { } payload ? Encoding.UTF8.GetString(payload) : "";
    }

    private static string[] WrappedKeys(string row) =>
        [.. JsonDocument.Parse(row).RootElement.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("wrapped").GetString()!)];
}
