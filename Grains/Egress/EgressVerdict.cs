namespace Platform.Grains.Egress;

/// <summary>What may leave: the content (redacted where the policy says so), or nothing and why.</summary>
/// <param name="Blocked">Why nothing may leave (names a secret's handle and encoding, or a kind of personal data; never a value), or null.</param>
/// <param name="Content">The content to send when not blocked: the original, or its redacted form.</param>
/// <param name="Redactions">What was redacted (e.g. <c>email</c>), for the receipt and the audit.</param>
/// <param name="BySecret">Whether a secret (not personal data) caused the block.</param>
public sealed record EgressVerdict(string? Blocked, string Content, IReadOnlyList<string> Redactions, bool BySecret = false)
{
    /// <summary>Whether anything may leave.</summary>
    public bool IsBlocked => Blocked is not null;
}
