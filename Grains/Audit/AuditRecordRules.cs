using System.Text.RegularExpressions;

using Platform.Grains.Interfaces.Audit;

namespace Platform.Grains.Audit;

/// <summary>
/// What an audit record must look like before it is chained. Limits keep one entry small enough to read in a page and
/// to hash quickly; messages name the field and the limit but never echo a detail value, which could be sensitive.
/// </summary>
internal static partial class AuditRecordRules
{
    public const int MaxKindLength = 64;
    public const int MaxActorLength = 256;
    public const int MaxSummaryLength = 1000;
    public const int MaxDetails = 64;
    public const int MaxDetailKeyLength = 128;
    public const int MaxDetailValueLength = 4096;

    public static void Validate(AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (string.IsNullOrEmpty(record.Kind) || record.Kind.Length > MaxKindLength || !KindPattern().IsMatch(record.Kind))
        {
            throw new ArgumentException(
                $"An audit kind is dotted lower case such as 'tool.call' or 'approval.decided' ([a-z]+ then .[a-z_]+ segments), at most {MaxKindLength} characters; got {Describe(record.Kind, MaxKindLength)}.",
                nameof(record));
        }

        if (string.IsNullOrWhiteSpace(record.Actor) || record.Actor.Length > MaxActorLength || !IsWellFormed(record.Actor))
        {
            throw new ArgumentException($"An audit actor is required, at most {MaxActorLength} characters of well-formed text (e.g. 'user:42', 'system').", nameof(record));
        }

        if (record.Summary is null || record.Summary.Length > MaxSummaryLength || !IsWellFormed(record.Summary))
        {
            throw new ArgumentException($"An audit summary is required (it may be empty), at most {MaxSummaryLength} characters of well-formed text; got {record.Summary?.Length ?? 0}.", nameof(record));
        }

        if (record.Details is null)
        {
            throw new ArgumentException("Audit details are required; pass an empty dictionary when there are none.", nameof(record));
        }

        if (record.Details.Count > MaxDetails)
        {
            throw new ArgumentException($"An audit record has at most {MaxDetails} details; got {record.Details.Count}.", nameof(record));
        }

        foreach (var (key, value) in record.Details)
        {
            if (string.IsNullOrEmpty(key) || key.Length > MaxDetailKeyLength || !IsWellFormed(key))
            {
                throw new ArgumentException($"Audit detail keys are 1 to {MaxDetailKeyLength} characters of well-formed text.", nameof(record));
            }

            if (value is null || value.Length > MaxDetailValueLength || !IsWellFormed(value))
            {
                throw new ArgumentException($"Audit detail '{key}' must be well-formed text of at most {MaxDetailValueLength} characters; got {value?.Length ?? 0}.", nameof(record));
            }
        }
    }

    // \z, not $: $ would also accept a trailing newline.
    [GeneratedRegex(@"\A[a-z]+(\.[a-z_]+)*\z", RegexOptions.CultureInvariant)]
    private static partial Regex KindPattern();

    private static string Describe(string? value, int limit) => value switch
    {
        null => "nothing",
        _ when value.Length > limit => $"{value.Length} characters",
        _ => $"'{value}'",
    };

    // A lone surrogate has no UTF-8 form, so it could not be hashed or stored faithfully.
    private static bool IsWellFormed(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return false;
            }
        }

        return true;
    }
}
