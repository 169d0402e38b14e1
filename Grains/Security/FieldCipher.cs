using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Platform.Grains.Security;

/// <summary>
/// Encrypts one field with a workspace data key (AES-256-GCM). Pure: no keys are held here, so it is tested alone and
/// the grain decides which key to use. The ciphertext is self-describing, so data outlives key rotations:
/// <code>
/// offset 0   1 byte   format (1)
///        1   4 bytes  data key version, big-endian
///        5  12 bytes  nonce (random)
///       17  16 bytes  GCM tag
///       33   n bytes  ciphertext (as long as the plaintext)
/// </code>
/// The associated data binds the format, the key version, the workspace id and the caller's purpose (each
/// length-prefixed, so no two different pairs encode alike): a ciphertext of workspace A does not decrypt as
/// workspace B's, nor a <c>run.message</c> as a <c>secret.value</c>.
/// </summary>
public static class FieldCipher
{
    /// <summary>The only format so far.</summary>
    public const byte FormatV1 = 1;

    /// <summary>Bytes before the ciphertext: format, key version, nonce, tag.</summary>
    public const int HeaderSize = 1 + sizeof(uint) + AesGcmEnvelope.Overhead;

    /// <summary>The data key length (AES-256).</summary>
    public const int KeySize = AesGcmEnvelope.KeySize;

    /// <summary>Longest purpose string accepted.</summary>
    public const int MaxPurposeLength = 128;

    private const int VersionOffset = 1;
    private const int EnvelopeOffset = VersionOffset + sizeof(uint);
    private static readonly byte[] s_domain = "platform.field"u8.ToArray();

    /// <summary>Encrypts <paramref name="plaintext"/> for <paramref name="workspaceId"/> and <paramref name="purpose"/>.</summary>
    public static byte[] Encrypt(ReadOnlySpan<byte> dataKey, int keyVersion, string workspaceId, string purpose, ReadOnlySpan<byte> plaintext)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(keyVersion);
        var output = new byte[HeaderSize + plaintext.Length];
        output[0] = FormatV1;
        BinaryPrimitives.WriteUInt32BigEndian(output.AsSpan(VersionOffset), (uint)keyVersion);
        var associatedData = AssociatedData(output.AsSpan(0, EnvelopeOffset), workspaceId, purpose);
        AesGcmEnvelope.Seal(dataKey, associatedData, plaintext, output.AsSpan(EnvelopeOffset));
        return output;
    }

    /// <summary>The data key version that made <paramref name="ciphertext"/>; throws when it is not in a known format.</summary>
    public static int ReadKeyVersion(ReadOnlySpan<byte> ciphertext)
    {
        if (ciphertext.Length < HeaderSize || ciphertext[0] != FormatV1)
        {
            throw new CryptographicException("The ciphertext is not in a known format (too short or an unknown format byte).");
        }

        var version = BinaryPrimitives.ReadUInt32BigEndian(ciphertext[VersionOffset..]);
        if (version is 0 or > int.MaxValue)
        {
            throw new CryptographicException("The ciphertext names no valid data key version.");
        }

        return (int)version;
    }

    /// <summary>
    /// Decrypts a ciphertext made by <see cref="Encrypt"/> with the same key, workspace and purpose. Anything else is a
    /// <see cref="CryptographicException"/>, and no plaintext is returned.
    /// </summary>
    public static byte[] Decrypt(ReadOnlySpan<byte> dataKey, string workspaceId, string purpose, ReadOnlySpan<byte> ciphertext)
    {
        ReadKeyVersion(ciphertext);
        var associatedData = AssociatedData(ciphertext[..EnvelopeOffset], workspaceId, purpose);
        var plaintext = new byte[ciphertext.Length - HeaderSize];
        if (!AesGcmEnvelope.TryOpen(dataKey, associatedData, ciphertext[EnvelopeOffset..], plaintext))
        {
            throw new CryptographicException("The ciphertext could not be authenticated: it was made for another workspace or purpose, with another key, or it was altered.");
        }

        return plaintext;
    }

    /// <summary>Checks a purpose string; it becomes part of the associated data, so it must be stable and plain.</summary>
    public static void ValidatePurpose(string purpose)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(purpose);
        if (purpose.Length > MaxPurposeLength || purpose.Any(char.IsControl))
        {
            throw new ArgumentException($"A purpose is at most {MaxPurposeLength} characters without control characters.", nameof(purpose));
        }
    }

    private static byte[] AssociatedData(ReadOnlySpan<byte> header, string workspaceId, string purpose)
    {
        ArgumentException.ThrowIfNullOrEmpty(workspaceId);
        ValidatePurpose(purpose);
        var workspace = Encoding.UTF8.GetBytes(workspaceId);
        var purposeBytes = Encoding.UTF8.GetBytes(purpose);
        var data = new byte[s_domain.Length + header.Length + sizeof(int) + workspace.Length + sizeof(int) + purposeBytes.Length];
        var span = data.AsSpan();
        s_domain.CopyTo(span);
        span = span[s_domain.Length..];
        header.CopyTo(span);
        span = span[header.Length..];
        BinaryPrimitives.WriteInt32BigEndian(span, workspace.Length);
        workspace.CopyTo(span[sizeof(int)..]);
        span = span[(sizeof(int) + workspace.Length)..];
        BinaryPrimitives.WriteInt32BigEndian(span, purposeBytes.Length);
        purposeBytes.CopyTo(span[sizeof(int)..]);
        return data;
    }
}
