namespace Platform.Gateway.Apis;

/// <summary>An invitation's one-time code and a name for the key it answers.</summary>
/// <param name="Code">The code the inviter passed on (<c>inv_…</c>).</param>
/// <param name="KeyName">What the new key is for (1–100 characters).</param>
internal sealed record RedeemInvitationRequest(string? Code, string? KeyName);
