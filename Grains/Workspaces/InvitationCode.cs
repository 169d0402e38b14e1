using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace Platform.Grains.Workspaces;

/// <summary>
/// The one-time code format <c>inv_&lt;workspace id&gt;_&lt;invitation id&gt;_&lt;secret&gt;</c>. Redemption needs no key, so
/// the code itself names the one workspace grain to ask (no scan across workspaces); that grain checks the secret (32
/// random bytes, base64url) against a salted hash, so a forged workspace or invitation part finds nothing.
/// </summary>
public static class InvitationCode
{
    /// <summary>The one answer to every code that does not redeem, whatever the reason: it reveals nothing.</summary>
    public const string Refused = "The invitation code is not valid: it may be mistyped, used, withdrawn or expired. Ask the workspace's admin for a new invitation.";

    private const string Prefix = "inv_";

    /// <summary>A new invitation id: <c>inv</c> and 16 lower-case hex digits.</summary>
    public static string NewId() => "inv" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    /// <summary>Whether <paramref name="id"/> has the shape of an invitation id (checked before any lookup).</summary>
    public static bool IsValidId(string? id) => id is { Length: 19 } && id.StartsWith("inv", StringComparison.Ordinal) && LowerHex.Is(id.AsSpan(3));

    /// <summary>Builds the code for a new invitation: returns the code and the secret part to hash.</summary>
    public static (string Code, string Secret) Create(string workspaceId, string invitationId)
    {
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return ($"{Prefix}{workspaceId}_{invitationId}_{secret}", secret);
    }

    /// <summary>Splits a presented code; false for anything not shaped like one (no exception, no detail).</summary>
    public static bool TryParse(string? code, [NotNullWhen(true)] out string? workspaceId, [NotNullWhen(true)] out string? invitationId, [NotNullWhen(true)] out string? secret)
    {
        workspaceId = invitationId = secret = null;
        if (code is null || code.Length > 200 || !code.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        // At most three parts: the secret is base64url and may itself contain '_'.
        var parts = code[Prefix.Length..].Split('_', 3);
        if (parts.Length != 3 || !WorkspaceIds.IsValid(parts[0]) || !IsValidId(parts[1]) || parts[2].Length != 43)
        {
            return false;
        }

        (workspaceId, invitationId, secret) = (parts[0], parts[1], parts[2]);
        return true;
    }
}
