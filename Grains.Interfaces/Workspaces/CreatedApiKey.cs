namespace Platform.Grains.Interfaces.Workspaces;

/// <summary>A new key with its token: the only time the token exists outside the caller's hands.</summary>
/// <param name="Key">The key as listed.</param>
/// <param name="Token">The bearer token (<c>plat_&lt;workspace&gt;_&lt;key&gt;_&lt;secret&gt;</c>); only a salted hash is stored.</param>
[GenerateSerializer, Immutable, Alias("platform.CreatedApiKey")]
public sealed record CreatedApiKey(ApiKeyView Key, string Token);
