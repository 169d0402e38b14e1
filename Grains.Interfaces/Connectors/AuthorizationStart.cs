namespace Platform.Grains.Interfaces.Connectors;

/// <summary>Where to send the person who authorizes a connector, and until when the link works.</summary>
/// <param name="AuthorizationUrl">The provider's authorization URL with PKCE challenge and state.</param>
/// <param name="ExpiresAt">After this the state is refused.</param>
[GenerateSerializer, Immutable, Alias("platform.AuthorizationStart")]
public sealed record AuthorizationStart(Uri AuthorizationUrl, DateTimeOffset ExpiresAt);
