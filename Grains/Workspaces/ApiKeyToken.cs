using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace Platform.Grains.Workspaces;

/// <summary>
/// The bearer token format <c>plat_&lt;workspace id&gt;_&lt;key id&gt;_&lt;secret&gt;</c>. The workspace id in the token is
/// what routes a request to exactly one workspace grain; the secret (32 random bytes, base64url) is checked there
/// against a salted hash. A fast hash suffices because the secret is random, not a password.
/// </summary>
public static class ApiKeyToken
{
    private const string Prefix = "plat_";

    /// <summary>Builds a token for a new key: returns the token and the secret part to hash.</summary>
    public static (string Token, string Secret) Create(string workspaceId, string keyId)
    {
        var secret = Base64Url(RandomNumberGenerator.GetBytes(32));
        return ($"{Prefix}{workspaceId}_{keyId}_{secret}", secret);
    }

    /// <summary>Splits a presented token; false for anything not shaped like one (no exception, no detail).</summary>
    public static bool TryParse(string? token, [NotNullWhen(true)] out string? workspaceId, [NotNullWhen(true)] out string? keyId, [NotNullWhen(true)] out string? secret)
    {
        workspaceId = keyId = secret = null;
        if (token is null || token.Length > 200 || !token.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        // At most three parts: the secret is base64url and may itself contain '_'.
        var parts = token[Prefix.Length..].Split('_', 3);
        if (parts.Length != 3 || !WorkspaceIds.IsValid(parts[0]) || !WorkspaceIds.IsValidKeyId(parts[1]) || parts[2].Length != 43)
        {
            return false;
        }

        (workspaceId, keyId, secret) = (parts[0], parts[1], parts[2]);
        return true;
    }

    /// <summary>SHA-256(salt ‖ secret).</summary>
    public static byte[] Hash(byte[] salt, string secret)
    {
        var secretBytes = Encoding.UTF8.GetBytes(secret);
        var input = new byte[salt.Length + secretBytes.Length];
        salt.CopyTo(input, 0);
        secretBytes.CopyTo(input, salt.Length);
        var hash = SHA256.HashData(input);
        CryptographicOperations.ZeroMemory(input);
        CryptographicOperations.ZeroMemory(secretBytes);
        return hash;
    }

    /// <summary>Constant-time comparison of a presented secret with a stored hash.</summary>
    public static bool Matches(StoredApiKey key, string secret) =>
        CryptographicOperations.FixedTimeEquals(Hash(key.Salt, secret), key.SecretHash);

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
