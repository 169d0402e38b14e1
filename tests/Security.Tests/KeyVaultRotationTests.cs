using Microsoft.Extensions.DependencyInjection;

using Platform.Grains.Interfaces.Security;
using Platform.Grains.Security;
using Platform.Testing;

using static Platform.Security.Tests.RotationFields;

namespace Platform.Security.Tests;

/// <summary>The workspace key lifecycle (KEK rotation, data key rotation, crypto-shredding) with the KEKs in Key Vault.</summary>
public sealed class KeyVaultRotationTests : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private FakeKeyVaultServer _vault = null!;

    public async ValueTask InitializeAsync() => _vault = await FakeKeyVaultServer.StartAsync();

    public async ValueTask DisposeAsync()
    {
        await _vault.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task Kek_rotation_rewraps_every_workspace_and_disables_the_old_version_in_the_vault()
    {
        var workspaces = Enumerable.Range(0, 4).Select(i => EncryptionSilo.NewWorkspace($"kv{i}")).ToArray();
        Dictionary<string, EncryptedField> fields;
        string before;
        KeyRotationProgress progress;
        await using (var silo = await KeyVaultSilo.StartAsync(_directory.Path, _vault))
        {
            fields = await EncryptEachAsync(silo, workspaces);
            before = Kek(silo).CurrentKeyId;

            progress = await silo.Services.GetRequiredService<KeyRotationService>().RotateAsync(workspaces, TestContext.Current.CancellationToken);

            Assert.False(progress.InProgress);
            Assert.Equal(before, progress.PreviousKekId);
            Assert.Equal(Kek(silo).CurrentKeyId, progress.TargetKekId);
            Assert.True(progress.Rewrapped.SetEquals(workspaces));
            await AssertAllOnAsync(silo, workspaces, progress.TargetKekId!);
        }

        Assert.Equal([(before, false), (progress.TargetKekId!, true)], _vault.Versions(KeyVaultSilo.SecretName).Select(v => (v.Version, v.Enabled)));

        // Fresh activations unwrap from storage with only the new version enabled: the rewraps were persisted.
        await using var restarted = await KeyVaultSilo.StartAsync(_directory.Path, _vault);
        Assert.Equal(progress.TargetKekId, Kek(restarted).CurrentKeyId);
        await AssertDecryptAsync(restarted, fields);
    }

    [Fact]
    public async Task Rotation_cancelled_midway_resumes_after_a_restart_and_finishes_on_the_same_version()
    {
        var workspaces = Enumerable.Range(0, 5).Select(i => EncryptionSilo.NewWorkspace($"kvcut{i}")).ToArray();
        Dictionary<string, EncryptedField> fields;
        string before;
        string target;
        await using (var silo = await KeyVaultSilo.StartAsync(_directory.Path, _vault))
        {
            fields = await EncryptEachAsync(silo, workspaces);
            before = Kek(silo).CurrentKeyId;
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
                silo.Services.GetRequiredService<KeyRotationService>().RotateAsync(CancelAfter(workspaces, 2, stop), stop.Token));

            var progress = await silo.Grains.GetGrain<IKeyRotationGrain>(KeyRotationService.ProgressKey).GetAsync();
            Assert.True(progress.InProgress);
            Assert.True(progress.Rewrapped.SetEquals(workspaces[..2]));
            target = progress.TargetKekId!;
        }

        // Both versions stay enabled mid-rotation, so rewrapped and not-yet-rewrapped workspaces both decrypt.
        Assert.All(_vault.Versions(KeyVaultSilo.SecretName), v => Assert.True(v.Enabled));
        await using (var restarted = await KeyVaultSilo.StartAsync(_directory.Path, _vault))
        {
            Assert.Equal(target, Kek(restarted).CurrentKeyId);
            Assert.Equal(before, (await restarted.Grains.GetGrain<IWorkspaceKeyGrain>(workspaces[4]).GetStatusAsync()).Versions[0].KekId);
            await AssertDecryptAsync(restarted, fields);

            var finished = await restarted.Services.GetRequiredService<KeyRotationService>().RotateAsync(workspaces, TestContext.Current.CancellationToken);

            Assert.False(finished.InProgress);
            Assert.Equal(target, finished.TargetKekId);
            await AssertAllOnAsync(restarted, workspaces, target);
        }

        Assert.Equal([(before, false), (target, true)], _vault.Versions(KeyVaultSilo.SecretName).Select(v => (v.Version, v.Enabled)));
        await using var after = await KeyVaultSilo.StartAsync(_directory.Path, _vault);
        await AssertDecryptAsync(after, fields);
    }

    [Fact]
    public async Task Data_key_rotation_under_key_vault_keeps_old_fields_readable_across_a_restart()
    {
        var workspace = EncryptionSilo.NewWorkspace("kvdata");
        EncryptedField first;
        EncryptedField second;
        string kekId;
        await using (var silo = await KeyVaultSilo.StartAsync(_directory.Path, _vault))
        {
            var keys = silo.Grains.GetGrain<IWorkspaceKeyGrain>(workspace);
            first = await keys.EncryptAsync(new EncryptRequest(Purpose, Plaintext("first")));

            var status = await keys.RotateDataKeyAsync();
            second = await keys.EncryptAsync(new EncryptRequest(Purpose, Plaintext("second")));

            kekId = Kek(silo).CurrentKeyId;
            Assert.Equal(2, status.CurrentVersion);
            Assert.Equal([1, 2], status.Versions.Select(v => v.Version));
            Assert.All(status.Versions, v => Assert.Equal(kekId, v.KekId));
            Assert.Equal(1, first.KeyVersion);
            Assert.Equal(2, second.KeyVersion);
        }

        await using var restarted = await KeyVaultSilo.StartAsync(_directory.Path, _vault);
        var again = restarted.Grains.GetGrain<IWorkspaceKeyGrain>(workspace);
        Assert.Equal(Plaintext("first"), await again.DecryptAsync(new DecryptRequest(Purpose, first.Ciphertext)), EqualityComparer<byte>.Default);
        Assert.Equal(Plaintext("second"), await again.DecryptAsync(new DecryptRequest(Purpose, second.Ciphertext)), EqualityComparer<byte>.Default);
        Assert.Single(_vault.Versions(KeyVaultSilo.SecretName));
    }

    [Fact]
    public async Task Destroyed_workspace_cannot_decrypt_its_earlier_ciphertext_though_the_kek_is_still_enabled()
    {
        var doomed = EncryptionSilo.NewWorkspace("kvgone");
        var kept = EncryptionSilo.NewWorkspace("kvkept");
        EncryptedField doomedField;
        EncryptedField keptField;
        await using (var silo = await KeyVaultSilo.StartAsync(_directory.Path, _vault))
        {
            doomedField = await silo.Grains.GetGrain<IWorkspaceKeyGrain>(doomed).EncryptAsync(new EncryptRequest(Purpose, Plaintext(doomed)));
            keptField = await silo.Grains.GetGrain<IWorkspaceKeyGrain>(kept).EncryptAsync(new EncryptRequest(Purpose, Plaintext(kept)));

            await silo.Grains.GetGrain<IWorkspaceKeyGrain>(doomed).DestroyAsync();

            await Assert.ThrowsAsync<WorkspaceKeyDestroyedException>(() =>
                silo.Grains.GetGrain<IWorkspaceKeyGrain>(doomed).DecryptAsync(new DecryptRequest(Purpose, doomedField.Ciphertext)));
        }

        var kek = Assert.Single(_vault.Versions(KeyVaultSilo.SecretName));
        Assert.True(kek.Enabled);
        await using var restarted = await KeyVaultSilo.StartAsync(_directory.Path, _vault);
        Assert.Equal(kek.Version, Kek(restarted).CurrentKeyId);
        Assert.DoesNotContain("wrapped\":\"", await WorkspaceKeyGrainTests.ReadRowAsync(restarted.Services, doomed), StringComparison.Ordinal);
        await Assert.ThrowsAsync<WorkspaceKeyDestroyedException>(() =>
            restarted.Grains.GetGrain<IWorkspaceKeyGrain>(doomed).DecryptAsync(new DecryptRequest(Purpose, doomedField.Ciphertext)));
        Assert.Equal(Plaintext(kept), await restarted.Grains.GetGrain<IWorkspaceKeyGrain>(kept).DecryptAsync(new DecryptRequest(Purpose, keptField.Ciphertext)), EqualityComparer<byte>.Default);
    }

    private static IKeyEncryptionKeyProvider Kek(PlatformTestCluster silo) => silo.Services.GetRequiredService<IKeyEncryptionKeyProvider>();

    /// <summary>Hands out <paramref name="count"/> workspaces, then cancels the rotation as it asks for the next one.</summary>
    private static IEnumerable<string> CancelAfter(IEnumerable<string> workspaces, int count, CancellationTokenSource stop)
    {
        var handed = 0;
        foreach (var workspace in workspaces)
        {
            if (handed++ == count)
            {
                stop.Cancel();
            }

            yield return workspace;
        }
    }
}
