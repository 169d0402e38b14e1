using System.Buffers;
using System.Collections.Immutable;
using System.Text;

using Platform.Grains.Interfaces.Egress;

namespace Platform.Grains.Egress;

/// <summary>
/// Finds any of a workspace's secret values in outgoing text, written plainly or in the encodings a leak would use
/// (base64, base64url, hex in either case, percent-encoding). Every form is searched at once with one
/// <see cref="SearchValues{T}"/>, so a scan costs about as much as reading the text. Values shorter than
/// <see cref="MinimumLength"/> bytes are not searched: they would match ordinary text and block harmless requests.
/// </summary>
public sealed class SecretMatcher
{
    /// <summary>The shortest value searched, in bytes.</summary>
    public const int MinimumLength = 8;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly SearchValues<string>? _any;
    private readonly Dictionary<string, EgressFinding> _forms;

    private SecretMatcher(Dictionary<string, EgressFinding> forms)
    {
        _forms = forms;
        _any = forms.Count == 0 ? null : SearchValues.Create([.. forms.Keys], StringComparison.Ordinal);
    }

    /// <summary>A matcher that finds nothing.</summary>
    public static SecretMatcher Empty { get; } = new([]);

    /// <summary>Builds a matcher for <paramref name="secrets"/>: a label (never printed with the value) and the value's bytes.</summary>
    public static SecretMatcher Create(IEnumerable<(string Label, byte[] Value)> secrets)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        var forms = new Dictionary<string, EgressFinding>(StringComparer.Ordinal);
        foreach (var (label, value) in secrets)
        {
            if (value.Length < MinimumLength)
            {
                continue;
            }

            if (TryMultiLineText(value) is { } multiLine)
            {
                // A PEM key or a JSON credentials file: its pieces travel separately (re-wrapped, re-indented, escaped),
                // so each long piece is searched on its own. Armor lines, URLs and short words are public boilerplate that
                // every such file shares; searching them would block ordinary text.
                foreach (var piece in Pieces(multiLine))
                {
                    forms.TryAdd(piece, new EgressFinding(label, "plain"));
                }
            }

            if (TryText(value) is { } text)
            {
                forms.TryAdd(text, new EgressFinding(label, "plain"));
                var escaped = Uri.EscapeDataString(text);
                if (escaped != text)
                {
                    forms.TryAdd(escaped, new EgressFinding(label, "url"));
                }
            }

            foreach (var base64 in Base64Forms(value))
            {
                forms.TryAdd(base64, new EgressFinding(label, "base64"));
                forms.TryAdd(base64.Replace('+', '-').Replace('/', '_'), new EgressFinding(label, "base64url"));
            }

            forms.TryAdd(Convert.ToHexStringLower(value), new EgressFinding(label, "hex"));
            forms.TryAdd(Convert.ToHexString(value), new EgressFinding(label, "hex"));
        }

        return new SecretMatcher(forms);
    }

    /// <summary>The first secret found in <paramref name="text"/>, or <see langword="null"/>.</summary>
    public EgressFinding? Find(ReadOnlySpan<char> text)
    {
        if (_any is null)
        {
            return null;
        }

        var at = text.IndexOfAny(_any);
        if (at < 0)
        {
            return null;
        }

        // SearchValues says where, not which; the longest form starting there is the one that matched.
        return LongestAt(text[at..]).Finding;
    }

    /// <summary>
    /// <paramref name="text"/> with every occurrence of a secret, in any searched form, replaced by
    /// <c>[label]</c>; <paramref name="findings"/> lists what was replaced (labels and encodings, never values).
    /// </summary>
    public string Redact(string text, out ImmutableArray<EgressFinding> findings)
    {
        ArgumentNullException.ThrowIfNull(text);
        findings = [];
        if (_any is null || text.AsSpan().IndexOfAny(_any) < 0)
        {
            return text;
        }

        var found = ImmutableArray.CreateBuilder<EgressFinding>();
        var result = new StringBuilder(text.Length);
        var position = 0;
        while (position < text.Length)
        {
            var at = text.AsSpan(position).IndexOfAny(_any);
            if (at < 0)
            {
                break;
            }

            at += position;
            var (finding, length) = LongestAt(text.AsSpan(at));
            if (finding is null)
            {
                result.Append(text, position, at - position + 1);
                position = at + 1;
                continue;
            }

            // Only the characters made of the value's own bits are searched; the few at each end of a base64 form that
            // mix in its neighbours' bits still carry some of it, so they go too.
            var end = at + length;
            if (finding.Encoding is "base64" or "base64url")
            {
                var start = at;
                while (start > position && at - start < 3 && IsBase64Char(text[start - 1]))
                {
                    start--;
                }

                while (end < text.Length && end - (at + length) < 3 && IsBase64Char(text[end]))
                {
                    end++;
                }

                while (end < text.Length && text[end] == '=' && end - (at + length) < 5)
                {
                    end++;
                }

                at = start;
            }

            result.Append(text, position, at - position);
            result.Append('[').Append(finding.Secret).Append(']');
            if (!found.Contains(finding))
            {
                found.Add(finding);
            }

            position = end;
        }

        result.Append(text, position, text.Length - position);
        findings = found.ToImmutable();
        return result.ToString();
    }

    private static bool IsBase64Char(char c) => char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '-' or '_';

    private (EgressFinding? Finding, int Length) LongestAt(ReadOnlySpan<char> text)
    {
        EgressFinding? found = null;
        var length = 0;
        foreach (var (form, finding) in _forms)
        {
            if (form.Length > length && text.StartsWith(form, StringComparison.Ordinal))
            {
                found = finding;
                length = form.Length;
            }
        }

        return (found, length);
    }

    /// <summary>
    /// The characters that encode <paramref name="value"/> whatever surrounds it in a longer base64 text: it may start at
    /// any of the three byte offsets of a 3-byte group, and the characters it shares with its neighbours' bytes (at
    /// both ends) depend on them, so only the ones made of its own bits are searched.
    /// </summary>
    private static IEnumerable<string> Base64Forms(byte[] value)
    {
        // Offset k: k bytes before the value in its first group; the first 0, 2 or 3 characters carry those bytes' bits.
        int[] skip = [0, 2, 3];
        for (var offset = 0; offset < 3; offset++)
        {
            var padded = new byte[offset + value.Length];
            value.CopyTo(padded, offset);
            var encoded = Convert.ToBase64String(padded);
            var end = 4 * (padded.Length / 3);
            if (end - skip[offset] >= MinimumLength)
            {
                yield return encoded[skip[offset]..end];
            }
        }
    }

    /// <summary>The shortest line of a multi-line value searched on its own (a PEM body line is 64 characters).</summary>
    public const int MinimumLineLength = 16;

    private static IEnumerable<string> Pieces(string text) =>
        text.Replace("\\n", "\n", StringComparison.Ordinal)
            .Split(['\n', '\r', ' ', '\t', '"', ',', ':'], StringSplitOptions.RemoveEmptyEntries)
            .Where(static p => p.Length >= MinimumLineLength && !p.StartsWith("-----", StringComparison.Ordinal) && !p.StartsWith("//", StringComparison.Ordinal) && !p.Contains("://", StringComparison.Ordinal));

    private static string? TryMultiLineText(byte[] value)
    {
        try
        {
            var text = StrictUtf8.GetString(value);
            return text.Contains('\n', StringComparison.Ordinal) ? text : null;
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    private static string? TryText(byte[] value)
    {
        try
        {
            var text = StrictUtf8.GetString(value);
            return text.Any(char.IsControl) ? null : text;
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }
}
