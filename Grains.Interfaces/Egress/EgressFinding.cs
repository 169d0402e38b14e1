namespace Platform.Grains.Interfaces.Egress;

/// <summary>A secret found in content about to leave the workspace. Names the secret and how it was written, never its value.</summary>
/// <param name="Secret">Which secret (<c>data key v2</c>, a secret's name).</param>
/// <param name="Encoding">How it appeared: <c>plain</c>, <c>base64</c>, <c>base64url</c>, <c>hex</c> or <c>url</c>.</param>
[GenerateSerializer, Immutable, Alias("platform.EgressFinding")]
public sealed record EgressFinding(string Secret, string Encoding);
