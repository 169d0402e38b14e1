using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

using Platform.Grains.Interfaces.Security;
using Platform.Grains.Security;

using Platform.Testing;

namespace Platform.Security.Tests;

/// <summary>
/// Plants recognisable key material as the KEK (in the key file) and as a workspace data key, exercises every path
/// (including every refusal), and looks for it where secrets must never be: logs, exception messages, status results
/// and the SQLite file.
/// </summary>
public sealed class CanaryTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    [Fact]
    public async Task Planted_kek_and_data_key_appear_in_no_log_exception_status_or_stored_row()
    {
        var kek = Canary.Key("kek");
        var dataKey = Canary.Key("dek");
        PlantKeyFile(kek);
        var logs = new CapturingLoggerProvider();
        var texts = new List<string>();
        var workspace = EncryptionSilo.NewWorkspace("canary");
        var other = EncryptionSilo.NewWorkspace("other");

        await using (var silo = await EncryptionSilo.StartAsync(_directory.Path, services =>
        {
            services.AddSingleton<IDataKeyGenerator>(new FixedDataKeyGenerator(dataKey));
            services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        }))
        {
            var keys = silo.Grains.GetGrain<IWorkspaceKeyGrain>(workspace);
            var otherKeys = silo.Grains.GetGrain<IWorkspaceKeyGrain>(other);
            var field = await keys.EncryptAsync(new EncryptRequest("secret.value", [.. Encoding.UTF8.GetBytes("hunter2")]));
            await otherKeys.EncryptAsync(new EncryptRequest("secret.value", [1]));
            Assert.Equal("hunter2", Encoding.UTF8.GetString([.. await keys.DecryptAsync(new DecryptRequest("secret.value", field.Ciphertext))]));
            texts.Add(JsonSerializer.Serialize(await keys.GetStatusAsync()));
            texts.Add(JsonSerializer.Serialize(await keys.RotateDataKeyAsync()));

            texts.Add(await FailureAsync(() => keys.DecryptAsync(new DecryptRequest("run.message", field.Ciphertext))));
            texts.Add(await FailureAsync(() => otherKeys.DecryptAsync(new DecryptRequest("secret.value", field.Ciphertext))));
            texts.Add(await FailureAsync(() => keys.DecryptAsync(new DecryptRequest("secret.value", field.Ciphertext.SetItem(35, (byte)~field.Ciphertext[35])))));
            texts.Add(await FailureAsync(() => keys.DecryptAsync(new DecryptRequest("secret.value", field.Ciphertext.SetItem(2, 9)))));
            var provider = silo.Services.GetRequiredService<IKeyEncryptionKeyProvider>();
            var wrapped = await provider.WrapAsync(dataKey, TestContext.Current.CancellationToken);
            texts.Add(await FailureAsync(() => provider.UnwrapAsync(wrapped with { Ciphertext = [.. wrapped.Ciphertext.Select(b => (byte)~b)] })));

            await silo.Services.GetRequiredService<KeyRotationService>().RotateAsync([workspace, other], TestContext.Current.CancellationToken);
            texts.Add(JsonSerializer.Serialize(await keys.GetStatusAsync()));
            texts.Add(JsonSerializer.Serialize(await otherKeys.DestroyAsync()));
            texts.Add(await FailureAsync(() => otherKeys.DecryptAsync(new DecryptRequest("secret.value", field.Ciphertext))));
            texts.Add(await FailureAsync(() => provider.UnwrapAsync(wrapped)));
        }

        Assert.NotEmpty(logs.Lines);
        Canary.AssertAbsent("the log", string.Join('\n', logs.Lines), kek, dataKey);
        Canary.AssertAbsent("an exception or status", string.Join('\n', texts), kek, dataKey);
        foreach (var file in Directory.GetFiles(_directory.Path, "silo.db*"))
        {
            Canary.AssertAbsent(Path.GetFileName(file), File.ReadAllBytes(file), kek, dataKey);
        }

        // The rotated key file holds KEKs only (the planted one was retired), never a data key.
        Canary.AssertAbsent("the key file", File.ReadAllBytes(_directory.KeyFile), kek, dataKey);
    }

    public void Dispose() => _directory.Dispose();

    private void PlantKeyFile(byte[] kek)
    {
        var json = $$"""
            { "format": 1, "current": "kek-canary", "keys": [ { "id": "kek-canary", "created": "2026-01-01T00:00:00+00:00", "key": "{{Convert.ToBase64String(kek)}}" } ] }
            """;
        File.WriteAllText(_directory.KeyFile, json);
        File.SetUnixFileMode(_directory.KeyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    private static async Task<string> FailureAsync(Func<Task> action)
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(action);
        Assert.True(failure is CryptographicException or WorkspaceKeyDestroyedException, $"Unexpected {failure.GetType().Name}");
        return failure.ToString();
    }
}
