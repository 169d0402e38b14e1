using System.Collections.Immutable;
using System.Text.Json;
using Platform.Grains.Interfaces.Security;

namespace Platform.Grains.Security;

/// <summary>
/// Workspace content at rest: a value is serialized to JSON and encrypted with the workspace's data key for one
/// purpose, and only the base64 ciphertext is kept in grain state. A sealed value cannot be opened for another
/// workspace or purpose, and none can be opened once the workspace's key is destroyed.
/// </summary>
public static class SealedJson
{
    private static readonly JsonSerializerOptions s_options = new(JsonSerializerDefaults.Web);

    /// <summary>Encrypts <paramref name="value"/> for <paramref name="purpose"/> in <paramref name="workspaceId"/>.</summary>
    public static async Task<string> SealAsync<T>(IGrainFactory grains, string workspaceId, string purpose, T value)
    {
        ArgumentNullException.ThrowIfNull(grains);
        var plaintext = JsonSerializer.SerializeToUtf8Bytes(value, s_options);
        var sealedField = await grains.GetGrain<IWorkspaceKeyGrain>(workspaceId).EncryptAsync(new EncryptRequest(purpose, ImmutableArray.Create(plaintext)));
        return Convert.ToBase64String(sealedField.Ciphertext.AsSpan());
    }

    /// <summary>Decrypts what <see cref="SealAsync"/> produced.</summary>
    public static async Task<T> OpenAsync<T>(IGrainFactory grains, string workspaceId, string purpose, string sealedValue)
    {
        ArgumentNullException.ThrowIfNull(grains);
        var plaintext = await grains.GetGrain<IWorkspaceKeyGrain>(workspaceId)
            .DecryptAsync(new DecryptRequest(purpose, ImmutableArray.Create(Convert.FromBase64String(sealedValue))));
        return JsonSerializer.Deserialize<T>(plaintext.AsSpan(), s_options)
            ?? throw new InvalidDataException($"Sealed {purpose} of workspace {workspaceId} holds JSON null.");
    }
}
