namespace Platform.Grains.Interfaces.Workspaces;

/// <summary>The outcome of checking a key: a principal, or why not (unknown, revoked, expired, workspace deleted).</summary>
/// <param name="Principal">Who the key speaks for, when valid.</param>
/// <param name="Failure">Why it was refused, when not.</param>
/// <param name="Proxy">
/// For a key with the <c>proxy</c> scope, what the OpenAI-compatible endpoint reads of the workspace on every call,
/// answered with the key so a proxied request asks the workspace once rather than twice.
/// </param>
/// <param name="ValidUntil">When a valid key expires, if it does: a remembered answer must not outlive it.</param>
[GenerateSerializer, Immutable, Alias("platform.AuthenticationResult")]
public sealed record AuthenticationResult(KeyPrincipal? Principal, string? Failure, ProxySettings? Proxy = null, DateTimeOffset? ValidUntil = null);
