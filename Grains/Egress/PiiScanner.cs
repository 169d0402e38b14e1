using System.Text;
using System.Text.RegularExpressions;

namespace Platform.Grains.Egress;

/// <summary>
/// Finds email addresses, telephone numbers and payment card numbers in text about to leave the platform, so a policy
/// can block it, redact them or let it pass. The patterns prefer missing an odd format to flagging ordinary text: a
/// national phone number needs a trunk <c>0</c> or the North American shape and a separator, so plain ids, Unix times,
/// dates, times, version numbers and IP addresses are not phones; a card number needs a valid Luhn check digit.
/// </summary>
/// <remarks>
/// Every pattern has a timeout; a text that hits it throws <see cref="RegexMatchTimeoutException"/>, and a caller
/// deciding what may leave should then treat the text as unscanned, i.e. refuse it.
/// </remarks>
public static partial class PiiScanner
{
    private const int TimeoutMilliseconds = 500;

    /// <summary>Every match in <paramref name="text"/>, in order, none overlapping another.</summary>
    public static IReadOnlyList<PiiMatch> Find(string text) => Find(text, null);

    /// <summary>
    /// The matches of <paramref name="kinds"/> only (every kind when null): patterns nobody asked about are not run,
    /// which is most of the cost on a hot path such as the OpenAI-compatible endpoint.
    /// </summary>
    public static IReadOnlyList<PiiMatch> Find(string text, IReadOnlySet<PiiKind>? kinds)
    {
        ArgumentNullException.ThrowIfNull(text);
        var found = new List<PiiMatch>();
        var wantsCard = kinds?.Contains(PiiKind.CardNumber) ?? true;
        var wantsPhone = kinds?.Contains(PiiKind.Phone) ?? true;
        var hasDigits = text.AsSpan().IndexOfAnyInRange('0', '9') >= 0;
        if (!hasDigits && !(kinds?.Contains(PiiKind.Email) ?? true))
        {
            return found;
        }

        // An address goes first so that digits inside it are not reported again as a card or phone; but only when
        // addresses are watched: an unwatched kind must never hide a watched one (a card number written as 4111…@x.io).
        if ((kinds?.Contains(PiiKind.Email) ?? true) && text.Contains('@', StringComparison.Ordinal))
        {
            foreach (var match in EmailPattern().EnumerateMatches(text))
            {
                found.Add(new PiiMatch(PiiKind.Email, match.Index, match.Length));
            }
        }

        if (hasDigits && wantsCard)
        {
            FindCards(text, found);
        }

        if (hasDigits && wantsPhone)
        {
            FindPhones(text, found);
        }

        if (kinds is not null)
        {
            found.RemoveAll(m => !kinds.Contains(m.Kind));
        }

        found.Sort(static (a, b) => a.Index.CompareTo(b.Index));
        return found;
    }

    private static void FindCards(string text, List<PiiMatch> found)
    {
        foreach (var match in CardCandidatePattern().EnumerateMatches(text))
        {
            if (FindCard(text.AsSpan(match.Index, match.Length)) is (var start, var length))
            {
                AddUnlessOverlapping(found, new PiiMatch(PiiKind.CardNumber, match.Index + start, length));
            }
        }
    }

    private static void FindPhones(string text, List<PiiMatch> found)
    {
        foreach (var match in InternationalPhonePattern().EnumerateMatches(text))
        {
            AddUnlessOverlapping(found, new PiiMatch(PiiKind.Phone, match.Index, match.Length));
        }

        foreach (var match in NationalPhonePattern().EnumerateMatches(text))
        {
            var digits = CountDigits(text.AsSpan(match.Index, match.Length));
            if (digits is >= 9 and <= 15)
            {
                AddUnlessOverlapping(found, new PiiMatch(PiiKind.Phone, match.Index, match.Length));
            }
        }
    }

    /// <summary>
    /// <paramref name="text"/> with every match of <paramref name="kinds"/> replaced by <c>[redacted email]</c>,
    /// <c>[redacted phone]</c> or <c>[redacted card]</c>.
    /// </summary>
    public static string Redact(string text, IReadOnlySet<PiiKind> kinds)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(kinds);
        if (kinds.Count == 0)
        {
            return text;
        }

        var result = new StringBuilder(text.Length);
        var copied = 0;
        foreach (var match in Find(text))
        {
            if (!kinds.Contains(match.Kind))
            {
                continue;
            }

            result.Append(text, copied, match.Index - copied).Append(Placeholder(match.Kind));
            copied = match.Index + match.Length;
        }

        return copied == 0 && result.Length == 0 ? text : result.Append(text, copied, text.Length - copied).ToString();
    }

    private static string Placeholder(PiiKind kind) => kind switch
    {
        PiiKind.Email => "[redacted email]",
        PiiKind.Phone => "[redacted phone]",
        PiiKind.CardNumber => "[redacted card]",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    private static void AddUnlessOverlapping(List<PiiMatch> found, PiiMatch candidate)
    {
        foreach (var existing in found)
        {
            if (candidate.Index < existing.Index + existing.Length && existing.Index < candidate.Index + candidate.Length)
            {
                return;
            }
        }

        found.Add(candidate);
    }

    // The candidate is a run of digits with single separators; a card may be only part of it (a card followed by a
    // CVV, say), so the longest stretch between group boundaries with 13 to 19 digits and a valid check digit wins.
    private static (int Start, int Length)? FindCard(ReadOnlySpan<char> run)
    {
        (int Start, int Length)? best = null;
        for (var start = 0; start < run.Length; start++)
        {
            if (!char.IsAsciiDigit(run[start]) || (start > 0 && char.IsAsciiDigit(run[start - 1])))
            {
                continue;
            }

            for (var end = run.Length; end > start; end--)
            {
                if (end - start <= (best?.Length ?? 0))
                {
                    break;
                }

                if (char.IsAsciiDigit(run[end - 1]) && (end == run.Length || !char.IsAsciiDigit(run[end])) && IsCardNumber(run[start..end]))
                {
                    best = (start, end - start);
                }
            }
        }

        return best;
    }

    private static bool IsCardNumber(ReadOnlySpan<char> candidate)
    {
        var digits = 0;
        var sum = 0;
        for (var i = candidate.Length - 1; i >= 0; i--)
        {
            if (!char.IsAsciiDigit(candidate[i]))
            {
                continue;
            }

            var digit = candidate[i] - '0';
            if (digits % 2 == 1)
            {
                digit = digit * 2 > 9 ? (digit * 2) - 9 : digit * 2;
            }

            sum += digit;
            digits++;
        }

        return digits is >= 13 and <= 19 && sum % 10 == 0;
    }

    private static int CountDigits(ReadOnlySpan<char> text)
    {
        var count = 0;
        foreach (var c in text)
        {
            count += char.IsAsciiDigit(c) ? 1 : 0;
        }

        return count;
    }

    // A practical address: local part of the usual characters (not starting or ending with a dot), dotted domain labels
    // and an alphabetic top-level domain. Starting mid-token is refused so "x.bob@…" is found whole.
    [GeneratedRegex(
        @"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9_%+\-](?:[A-Za-z0-9._%+\-]{0,62}[A-Za-z0-9_%+\-])?@(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}(?![A-Za-z0-9\-])",
        RegexOptions.CultureInvariant,
        TimeoutMilliseconds)]
    private static partial Regex EmailPattern();

    // 13 to 19 digits with at most one space or dash between any two; not part of a longer number, a decimal or a "+" phone.
    [GeneratedRegex(@"(?<![0-9+.,])[0-9](?:[ \-]?[0-9]){12,18}(?![0-9])", RegexOptions.CultureInvariant, TimeoutMilliseconds)]
    private static partial Regex CardCandidatePattern();

    // "+" and 8 to 15 digits, separated by a space, dot or dash, or parentheses around a group: +1 (555) 123-4567.
    [GeneratedRegex(@"(?<![\w+])\+[0-9](?:(?:[ .\-]?\(|\)[ .\-]?|[ .\-])?[0-9]){7,14}(?![0-9])", RegexOptions.CultureInvariant, TimeoutMilliseconds)]
    private static partial Regex InternationalPhonePattern();

    // National formats: a trunk 0 and groups (020 7946 0958, 06 12 34 56 78, (030) 1234567, 0171-1234567), or North
    // American 3-3-4 ((555) 123-4567, 1-555-123-4567). Not after a word, dot, dash, "+" or "/" (versions, ids in a path),
    // not before a word or dash, nor before ".5", ":30" or "/7" (versions, times, fractions).
    [GeneratedRegex(
        @"(?<![\w.\-+/])(?:(?:\(0[0-9]{1,4}\)[ \-]?|0[0-9]{1,4}[ .\-])(?:[0-9]{2,8}[ .\-]){0,4}[0-9]{2,8}|(?:1[ .\-])?(?:\([2-9][0-9]{2}\)[ .\-]?|[2-9][0-9]{2}[ .\-])[0-9]{3}[ .\-][0-9]{4})(?![\w\-]|[.:/][0-9])",
        RegexOptions.CultureInvariant,
        TimeoutMilliseconds)]
    private static partial Regex NationalPhonePattern();
}
