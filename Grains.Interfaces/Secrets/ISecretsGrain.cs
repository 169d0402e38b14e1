using System.Collections.Immutable;
using Platform.Grains.Interfaces.Egress;

namespace Platform.Grains.Interfaces.Secrets;

/// <summary>
/// A workspace's secret store (key: workspace id). Values are sealed with the workspace's data key before they reach
/// state, so a database row holds ciphertext only and deleting the workspace shreds them. The store is write-only
/// towards people: set, rotate, delete and a list of names and fingerprints. A value comes out only through
/// <see cref="ResolveAsync"/>, which the tool executor calls at the moment it needs it; no HTTP route reaches it.
/// </summary>
[Alias("platform.ISecretsGrain")]
public interface ISecretsGrain : IGrainWithStringKey
{
    /// <summary>Stores a new secret; a name in use is a conflict (rotate it instead).</summary>
    Task<SecretInfo> SetAsync(string name, string value, string actor);

    /// <summary>Replaces the value of an existing secret.</summary>
    Task<SecretInfo> RotateAsync(string name, string value, string actor);

    /// <summary>Deletes a secret; an unknown name is not found.</summary>
    Task DeleteAsync(string name, string actor);

    /// <summary>Names, fingerprints and last use of every secret, by name.</summary>
    Task<ImmutableArray<SecretInfo>> ListAsync();

    /// <summary>The value behind a handle or name, for the tool executor alone; records the use.</summary>
    Task<string> ResolveAsync(string nameOrHandle, string usedBy);

    /// <summary>Stores or replaces a value a connector manages (its OAuth tokens), named <c>connector.…</c>.</summary>
    Task SetManagedAsync(string name, string value, string managedBy);

    /// <summary>Deletes every value a connector manages; idempotent.</summary>
    Task DeleteManagedAsync(string managedBy);

    /// <summary>
    /// Looks for any secret value (plain, base64, base64url, hex or percent-encoded) in content about to leave the
    /// workspace, then for the workspace's data keys (asked of its key grain). The finding names the secret or key
    /// version and the encoding, never the value.
    /// </summary>
    Task<EgressFinding?> InspectEgressAsync(string content);

    /// <summary>Replaces every secret value found in <paramref name="content"/> by its handle, e.g. before a tool's result reaches the model.</summary>
    Task<SecretRedaction> RedactAsync(string content);

    /// <summary>Erases every stored value (the workspace is being deleted); idempotent.</summary>
    Task ForgetAllAsync();
}
