using System.Security.Cryptography;

namespace Platform.Grains.Security;

/// <summary>AES-256-GCM with a random 96-bit nonce, laid out as nonce ‖ tag ‖ ciphertext. Shared by field encryption and key wrapping.</summary>
internal static class AesGcmEnvelope
{
    public const int KeySize = 32;
    public const int NonceSize = 12;
    public const int TagSize = 16;
    public const int Overhead = NonceSize + TagSize;

    /// <summary>Seals <paramref name="plaintext"/> into <paramref name="destination"/> (exactly <see cref="Overhead"/> bytes longer).</summary>
    public static void Seal(ReadOnlySpan<byte> key, ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> plaintext, Span<byte> destination)
    {
        RequireKey(key);
        var nonce = destination[..NonceSize];
        var tag = destination.Slice(NonceSize, TagSize);
        var ciphertext = destination.Slice(Overhead, plaintext.Length);
        // Random nonces are safe for about 2^32 messages per key; data-key rotation keeps each key far below that.
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(nonce, plaintext, ciphertext, tag, associatedData);
    }

    /// <summary>Opens what <see cref="Seal"/> made; false when it was altered or made with another key or associated data.</summary>
    public static bool TryOpen(ReadOnlySpan<byte> key, ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> sealedData, Span<byte> plaintext)
    {
        RequireKey(key);
        if (sealedData.Length < Overhead || plaintext.Length != sealedData.Length - Overhead)
        {
            return false;
        }

        using var aes = new AesGcm(key, TagSize);
        try
        {
            aes.Decrypt(sealedData[..NonceSize], sealedData[Overhead..], sealedData.Slice(NonceSize, TagSize), plaintext, associatedData);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            // Decrypt has already cleared the output; callers turn this into their own message.
            return false;
        }
    }

    private static void RequireKey(ReadOnlySpan<byte> key)
    {
        if (key.Length != KeySize)
        {
            // The length only: the key itself must never reach a message.
            throw new CryptographicException($"An AES-256 key has {KeySize} bytes; this one has {key.Length}.");
        }
    }
}
