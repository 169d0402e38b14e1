using Platform.Grains.Interfaces.Workspaces;

namespace Platform.Grains.Workspaces;

/// <summary>One remembered successful key check: the secret's hash (never the secret), the answer and when it stops counting.</summary>
internal sealed record RememberedKeyCheck(byte[] SecretHash, AuthenticationResult Result, long Generation, long CatalogVersion, DateTimeOffset ExpiresAt);
