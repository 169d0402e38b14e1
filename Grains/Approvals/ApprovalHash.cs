using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Platform.Grains.Interfaces.Approvals;

namespace Platform.Grains.Approvals;

/// <summary>
/// Binds an approval to one exact payload: lower-case hex SHA-256 over a domain tag and (workspace id, run id, tool,
/// canonical arguments, policy version), each string as a 4-byte big-endian length and its UTF-8 bytes, the version as
/// 4 bytes big-endian. Length prefixes make the encoding unambiguous (no two field lists encode alike, whatever the
/// strings contain). This form is frozen: changing it invalidates every pending approval.
/// </summary>
public static class ApprovalHash
{
    // Strict: a lone surrogate would otherwise become U+FFFD and collide with a string holding U+FFFD itself.
    private static readonly UTF8Encoding s_utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private static readonly byte[] s_domain = s_utf8.GetBytes("platform.approval.v1");

    /// <summary>The payload hash of an approval request.</summary>
    public static string Compute(string workspaceId, string runId, string tool, string canonicalArguments, int policyVersion)
    {
        ArgumentNullException.ThrowIfNull(workspaceId);
        ArgumentNullException.ThrowIfNull(runId);
        ArgumentNullException.ThrowIfNull(tool);
        ArgumentNullException.ThrowIfNull(canonicalArguments);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        AppendBytes(hash, s_domain);
        AppendString(hash, workspaceId);
        AppendString(hash, runId);
        AppendString(hash, tool);
        AppendString(hash, canonicalArguments);
        Span<byte> version = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(version, policyVersion);
        hash.AppendData(version);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>
    /// Whether <paramref name="approval"/> is an approval (state <see cref="ApprovalState.Approved"/>) of exactly this
    /// payload. The run grain and the tool executor call this with what they are about to run, never with the
    /// approval's own copy of the arguments; anything else (pending, denied, expired, other arguments, another run,
    /// tool, workspace or policy version) is a refusal.
    /// </summary>
    public static bool Matches(ApprovalView approval, string workspaceId, string runId, string tool, string canonicalArguments, int policyVersion)
    {
        ArgumentNullException.ThrowIfNull(approval);
        if (approval.State != ApprovalState.Approved || workspaceId is null || runId is null || tool is null || canonicalArguments is null)
        {
            return false;
        }

        var expected = Compute(workspaceId, runId, tool, canonicalArguments, policyVersion);
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(approval.PayloadHash ?? ""));
    }

    private static void AppendString(IncrementalHash hash, string value) => AppendBytes(hash, s_utf8.GetBytes(value));

    private static void AppendBytes(IncrementalHash hash, byte[] bytes)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
        hash.AppendData(length);
        hash.AppendData(bytes);
    }
}
