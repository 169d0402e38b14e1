using System.Text;

namespace Platform.Security.Tests;

/// <summary>Recognisable 32-byte key material and the forms in which a leak of it would show.</summary>
public static class Canary
{
    public static byte[] Key(string label)
    {
        var text = $"{label}-CANARY-5b9e0c2f7a4d1e36".PadRight(32, '#')[..32];
        return Encoding.ASCII.GetBytes(text);
    }

    /// <summary>The raw bytes, base64, and hex of the key, as text.</summary>
    public static IReadOnlyList<string> TextForms(byte[] key) =>
        [Encoding.ASCII.GetString(key), Convert.ToBase64String(key), Convert.ToHexString(key), Convert.ToHexStringLower(key), Encoding.ASCII.GetString(key)[..20]];

    public static void AssertAbsent(string where, string text, params byte[][] keys)
    {
        foreach (var key in keys)
        {
            foreach (var form in TextForms(key))
            {
                Assert.False(text.Contains(form, StringComparison.OrdinalIgnoreCase), $"Key material appeared in {where}.");
            }
        }
    }

    public static void AssertAbsent(string where, byte[] data, params byte[][] keys)
    {
        foreach (var key in keys)
        {
            foreach (var form in TextForms(key))
            {
                Assert.True(data.AsSpan().IndexOf(Encoding.ASCII.GetBytes(form)) < 0, $"Key material appeared in {where}.");
            }

            Assert.True(data.AsSpan().IndexOf(key.AsSpan(0, 16)) < 0, $"Raw key bytes appeared in {where}.");
        }
    }
}
