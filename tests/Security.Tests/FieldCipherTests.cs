using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

using Platform.Grains.Security;

namespace Platform.Security.Tests;

public sealed class FieldCipherTests
{
    private static readonly byte[] s_key = RandomNumberGenerator.GetBytes(32);
    private static readonly byte[] s_plaintext = Encoding.UTF8.GetBytes("the customer's message");

    [Fact]
    public void Round_trip_returns_the_plaintext_and_the_header_names_format_and_version()
    {
        var ciphertext = FieldCipher.Encrypt(s_key, 7, "ws-a", "run.message", s_plaintext);

        Assert.Equal(FieldCipher.HeaderSize + s_plaintext.Length, ciphertext.Length);
        Assert.Equal(FieldCipher.FormatV1, ciphertext[0]);
        Assert.Equal(7u, BinaryPrimitives.ReadUInt32BigEndian(ciphertext.AsSpan(1)));
        Assert.Equal(7, FieldCipher.ReadKeyVersion(ciphertext));
        Assert.Equal(s_plaintext, FieldCipher.Decrypt(s_key, "ws-a", "run.message", ciphertext));
    }

    [Fact]
    public void Same_plaintext_encrypts_differently_each_time()
    {
        var first = FieldCipher.Encrypt(s_key, 1, "ws-a", "run.message", s_plaintext);
        var second = FieldCipher.Encrypt(s_key, 1, "ws-a", "run.message", s_plaintext);

        Assert.NotEqual(first, second);
    }

    [Theory]
    [InlineData("ws-b", "run.message")]
    [InlineData("ws-a", "secret.value")]
    [InlineData("ws-", "arun.message")]
    public void Another_workspace_or_purpose_is_refused(string workspace, string purpose)
    {
        var ciphertext = FieldCipher.Encrypt(s_key, 1, "ws-a", "run.message", s_plaintext);

        Assert.Throws<CryptographicException>(() => FieldCipher.Decrypt(s_key, workspace, purpose, ciphertext));
    }

    [Fact]
    public void Any_altered_byte_is_refused()
    {
        var ciphertext = FieldCipher.Encrypt(s_key, 1, "ws-a", "run.message", s_plaintext);
        for (var i = 0; i < ciphertext.Length; i++)
        {
            var altered = (byte[])ciphertext.Clone();
            altered[i] ^= 0x01;
            Assert.Throws<CryptographicException>(() => FieldCipher.Decrypt(s_key, "ws-a", "run.message", altered));
        }
    }

    [Fact]
    public void Another_key_truncation_and_unknown_format_are_refused()
    {
        var ciphertext = FieldCipher.Encrypt(s_key, 1, "ws-a", "run.message", s_plaintext);

        Assert.Throws<CryptographicException>(() => FieldCipher.Decrypt(RandomNumberGenerator.GetBytes(32), "ws-a", "run.message", ciphertext));
        Assert.Throws<CryptographicException>(() => FieldCipher.Decrypt(s_key, "ws-a", "run.message", ciphertext.AsSpan(0, ciphertext.Length - 1)));
        Assert.Throws<CryptographicException>(() => FieldCipher.ReadKeyVersion(ciphertext.AsSpan(0, FieldCipher.HeaderSize - 1)));
        Assert.Throws<CryptographicException>(() => FieldCipher.ReadKeyVersion([2, .. ciphertext.AsSpan(1)]));
    }

    [Fact]
    public void Empty_plaintext_round_trips()
    {
        var ciphertext = FieldCipher.Encrypt(s_key, 1, "ws-a", "run.message", []);

        Assert.Empty(FieldCipher.Decrypt(s_key, "ws-a", "run.message", ciphertext));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("run\nmessage")]
    public void Blank_or_control_character_purpose_is_refused(string purpose) =>
        Assert.ThrowsAny<ArgumentException>(() => FieldCipher.Encrypt(s_key, 1, "ws-a", purpose, s_plaintext));
}
