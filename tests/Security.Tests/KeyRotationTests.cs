using Microsoft.Extensions.DependencyInjection;

using Platform.Grains.Interfaces.Security;
using Platform.Grains.Security;
using Platform.Testing;

using static Platform.Security.Tests.RotationFields;

namespace Platform.Security.Tests;

public sealed class KeyRotationTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    [Fact]
    public async Task Kek_rotation_rewraps_every_workspace_and_retires_the_old_kek()
    {
        var workspaces = Enumerable.Range(0, 4).Select(i => EncryptionSilo.NewWorkspace($"kek{i}")).ToArray();
        Dictionary<string, EncryptedField> fields;
        string before;
        await using (var silo = await EncryptionSilo.StartAsync(_directory.Path))
        {
            fields = await EncryptEachAsync(silo, workspaces);
            await silo.Grains.GetGrain<IWorkspaceKeyGrain>(workspaces[0]).RotateDataKeyAsync();
            before = Provider(silo).CurrentKeyId;

            var progress = await silo.Services.GetRequiredService<KeyRotationService>().RotateAsync(workspaces, TestContext.Current.CancellationToken);

            Assert.False(progress.InProgress);
            Assert.Equal(before, progress.PreviousKekId);
            Assert.NotEqual(before, progress.TargetKekId);
            Assert.True(progress.Rewrapped.SetEquals(workspaces));
            Assert.Equal([progress.TargetKekId!], Provider(silo).KeyIds);
            await AssertAllOnAsync(silo, workspaces, progress.TargetKekId!);
        }

        // Fresh activations unwrap from storage: only the new KEK is left, so this proves the rewraps were persisted.
        await using var restarted = await EncryptionSilo.StartAsync(_directory.Path);
        await AssertDecryptAsync(restarted, fields);
    }

    [Fact]
    public async Task Interrupted_rotation_keeps_old_wraps_readable_and_a_rerun_finishes_it_on_the_same_kek()
    {
        var workspaces = Enumerable.Range(0, 5).Select(i => EncryptionSilo.NewWorkspace($"crash{i}")).ToArray();
        Dictionary<string, EncryptedField> fields;
        string before;
        string target;
        await using (var silo = await EncryptionSilo.StartAsync(_directory.Path))
        {
            fields = await EncryptEachAsync(silo, workspaces);
            before = Provider(silo).CurrentKeyId;

            // The workspace list "crashes" the rotation after two workspaces were rewrapped.
            await Assert.ThrowsAsync<IOException>(() =>
                silo.Services.GetRequiredService<KeyRotationService>().RotateAsync(CrashAfter(workspaces, 2), TestContext.Current.CancellationToken));

            var progress = await silo.Grains.GetGrain<IKeyRotationGrain>(KeyRotationService.ProgressKey).GetAsync();
            Assert.True(progress.InProgress);
            Assert.True(progress.Rewrapped.SetEquals(workspaces[..2]));
            target = progress.TargetKekId!;
        }

        await using (var restarted = await EncryptionSilo.StartAsync(_directory.Path))
        {
            // Mid-rotation both KEK versions are kept: rewrapped and not-yet-rewrapped workspaces both decrypt.
            Assert.Equal(new[] { before, target }.Order(StringComparer.Ordinal), Provider(restarted).KeyIds.Order(StringComparer.Ordinal));
            Assert.Equal(target, (await restarted.Grains.GetGrain<IWorkspaceKeyGrain>(workspaces[0]).GetStatusAsync()).Versions[0].KekId);
            Assert.Equal(before, (await restarted.Grains.GetGrain<IWorkspaceKeyGrain>(workspaces[4]).GetStatusAsync()).Versions[0].KekId);
            await AssertDecryptAsync(restarted, fields);

            var finished = await restarted.Services.GetRequiredService<KeyRotationService>().RotateAsync(workspaces, TestContext.Current.CancellationToken);

            Assert.False(finished.InProgress);
            Assert.Equal(target, finished.TargetKekId);
            Assert.Equal([target], Provider(restarted).KeyIds);
            await AssertAllOnAsync(restarted, workspaces, target);
        }

        await using var after = await EncryptionSilo.StartAsync(_directory.Path);
        await AssertDecryptAsync(after, fields);
    }

    [Fact]
    public async Task Rewrap_is_idempotent()
    {
        await using var silo = await EncryptionSilo.StartAsync(_directory.Path);
        var keys = silo.Grains.GetGrain<IWorkspaceKeyGrain>(EncryptionSilo.NewWorkspace("idem"));
        await keys.EncryptAsync(new EncryptRequest(Purpose, [1, 2, 3]));
        var first = await keys.RewrapAsync();

        var second = await keys.RewrapAsync();

        Assert.Equal(first.Versions, second.Versions);
    }

    public void Dispose() => _directory.Dispose();

    private static LocalKeyFileProvider Provider(PlatformTestCluster silo) => silo.Services.GetRequiredService<LocalKeyFileProvider>();

    private static IEnumerable<string> CrashAfter(IEnumerable<string> workspaces, int count)
    {
        foreach (var workspace in workspaces.Take(count))
        {
            yield return workspace;
        }

        throw new IOException("simulated crash during key rotation");
    }
}
