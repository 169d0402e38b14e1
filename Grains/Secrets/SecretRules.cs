using System.Security.Cryptography;
using System.Text;
using Platform.Grains.Egress;
using Platform.Grains.Interfaces.Secrets;

namespace Platform.Grains.Secrets;

/// <summary>What a secret's name and value must be, checked before anything is stored.</summary>
public static class SecretRules
{
    /// <summary>A bound on one workspace's secrets, so a state row cannot grow without limit.</summary>
    public const int MaxSecrets = 200;

    /// <summary>
    /// The most replaced values one secret keeps for the egress guard; a secret rotated more often than that within the
    /// block period has its oldest ones dropped first, so a state row stays bounded.
    /// </summary>
    public const int MaxPreviousValues = 10;

    /// <summary>The longest value in characters (a PEM private key fits).</summary>
    public const int MaxValueLength = 16 * 1024;

    public static void ValidateName(string? name, bool managed)
    {
        if (!SecretHandle.IsValidName(name))
        {
            throw new ArgumentException("A secret's name is 1 to 64 characters: lower-case letters, digits, '.', '-' and '_', starting with a letter or digit.", nameof(name));
        }

        if (!managed && name.StartsWith(SecretHandle.ConnectorPrefix, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Names starting with '{SecretHandle.ConnectorPrefix}' hold connector tokens, which the connector manages; choose another name.", nameof(name));
        }
    }

    public static void ValidateValue(string? value)
    {
        ArgumentNullException.ThrowIfNull(value);
        // Shorter values would match ordinary text, so the egress scan could not protect them: refuse them up front.
        if (Encoding.UTF8.GetByteCount(value) < SecretMatcher.MinimumLength)
        {
            throw new ArgumentException($"A secret's value must be at least {SecretMatcher.MinimumLength} bytes, or a leak of it could not be detected.", nameof(value));
        }

        if (value.Length > MaxValueLength)
        {
            throw new ArgumentException($"A secret's value is at most {MaxValueLength} characters.", nameof(value));
        }
    }

    /// <summary>A fingerprint keyed with a fresh random salt: it tells versions apart and cannot be used to test guesses.</summary>
    public static string Fingerprint(string value)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var mac = HMACSHA256.HashData(salt, Encoding.UTF8.GetBytes(value));
        return "fp_" + Convert.ToHexStringLower(mac.AsSpan(0, 8));
    }
}
