using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

using Platform.Grains.Interfaces.Audit;

namespace Platform.Grains.Audit;

/// <summary>
/// The audit chain's hash. <see cref="AuditLogGrain.VerifyAsync"/> must recompute it identically for as long as any entry
/// is stored, so the canonical form below is frozen; a change needs a new version tag, never an edit.
/// </summary>
/// <remarks>
/// Canonical form, version <c>audit/v1</c>: a sequence of fields, each written as its byte length (4 bytes, unsigned,
/// big-endian) followed by its UTF-8 bytes, in this order:
/// <list type="number">
/// <item>the tag <c>audit/v1</c>;</item>
/// <item>the sequence in invariant decimal digits (<c>17</c>);</item>
/// <item>the time in UTC as <c>yyyy-MM-ddTHH:mm:ss.fffffffZ</c> (always seven fractional digits, the full tick precision);</item>
/// <item>kind; actor; summary;</item>
/// <item>the number of details in invariant decimal digits, then each detail's key and value, keys in ordinal
/// (UTF-16 code unit) order whatever comparer the caller's dictionary used;</item>
/// <item>the previous entry's hash (64 zeros for entry 1).</item>
/// </list>
/// The hash is the lower-case hex SHA-256 of those bytes. Length prefixes make the form unambiguous with no escaping at
/// all, which is why it is not JSON: a JSON encoder's choice of what to escape is the kind of detail that changes between
/// library versions and would silently break every stored chain.
/// </remarks>
internal static class AuditChain
{
    /// <summary>The previous hash of entry 1.</summary>
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

    /// <summary>The fixed-precision UTC format of <see cref="AuditEntry.At"/> in both the hash and the stored payload.</summary>
    public const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    private const string Tag = "audit/v1";

    // Strict: a lone surrogate must fail loudly rather than be replaced, or two different strings would hash alike.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static string FormatTime(DateTimeOffset at) => at.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);

    public static string ComputeHash(long sequence, DateTimeOffset at, string kind, string actor, string summary, ImmutableSortedDictionary<string, string> details, string previousHash)
    {
        using var canonical = new MemoryStream();
        Write(canonical, Tag);
        Write(canonical, sequence.ToString(CultureInfo.InvariantCulture));
        Write(canonical, FormatTime(at));
        Write(canonical, kind);
        Write(canonical, actor);
        Write(canonical, summary);
        Write(canonical, details.Count.ToString(CultureInfo.InvariantCulture));
        foreach (var (key, value) in details.OrderBy(static d => d.Key, StringComparer.Ordinal))
        {
            Write(canonical, key);
            Write(canonical, value);
        }

        Write(canonical, previousHash);
        return Convert.ToHexStringLower(SHA256.HashData(canonical.GetBuffer().AsSpan(0, (int)canonical.Length)));
    }

    private static void Write(MemoryStream canonical, string field)
    {
        var bytes = StrictUtf8.GetBytes(field);
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(length, (uint)bytes.Length);
        canonical.Write(length);
        canonical.Write(bytes);
    }
}
