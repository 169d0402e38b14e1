using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Platform.Grains.Connectors.OAuth;

/// <summary>
/// Proof Key for Code Exchange (RFC 7636): a code stolen on its way back through the browser is useless without the
/// verifier, which never leaves the platform.
/// </summary>
internal static class Pkce
{
    /// <summary>32 random octets give the 43-character verifier RFC 7636 4.1 recommends (256 bits of entropy).</summary>
    private const int VerifierEntropyBytes = 32;

    /// <summary>A new code verifier: base64url of 32 bytes from <see cref="RandomNumberGenerator"/>, 43 characters.</summary>
    public static string CreateVerifier() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(VerifierEntropyBytes));

    /// <summary>The S256 challenge: BASE64URL(SHA256(ASCII(verifier))), RFC 7636 4.2.</summary>
    public static string ChallengeS256(string verifier)
    {
        ArgumentException.ThrowIfNullOrEmpty(verifier);
        return Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
    }
}
