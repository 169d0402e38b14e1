using System.Collections.Immutable;
using System.Text;

using Platform.Grains.Interfaces.Security;
using Platform.Testing;

namespace Platform.Security.Tests;

/// <summary>One field per workspace, encrypted before a rotation and checked after it, for every KEK provider's rotation tests.</summary>
internal static class RotationFields
{
    public const string Purpose = "run.message";

    public static async Task<Dictionary<string, EncryptedField>> EncryptEachAsync(PlatformTestCluster silo, IEnumerable<string> workspaces)
    {
        var fields = new Dictionary<string, EncryptedField>();
        foreach (var workspace in workspaces)
        {
            fields[workspace] = await silo.Grains.GetGrain<IWorkspaceKeyGrain>(workspace).EncryptAsync(new EncryptRequest(Purpose, Plaintext(workspace)));
        }

        return fields;
    }

    public static async Task AssertDecryptAsync(PlatformTestCluster silo, Dictionary<string, EncryptedField> fields)
    {
        foreach (var (workspace, field) in fields)
        {
            var plaintext = await silo.Grains.GetGrain<IWorkspaceKeyGrain>(workspace).DecryptAsync(new DecryptRequest(Purpose, field.Ciphertext));
            Assert.Equal(Plaintext(workspace), plaintext, EqualityComparer<byte>.Default);
        }
    }

    public static async Task AssertAllOnAsync(PlatformTestCluster silo, IEnumerable<string> workspaces, string kekId)
    {
        foreach (var workspace in workspaces)
        {
            var status = await silo.Grains.GetGrain<IWorkspaceKeyGrain>(workspace).GetStatusAsync();
            Assert.NotEmpty(status.Versions);
            Assert.All(status.Versions, v => Assert.Equal(kekId, v.KekId));
        }
    }

    public static ImmutableArray<byte> Plaintext(string workspace) => [.. Encoding.UTF8.GetBytes($"message of {workspace}")];
}
