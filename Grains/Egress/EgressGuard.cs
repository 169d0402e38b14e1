using Platform.Grains.Interfaces.Egress;
using Platform.Grains.Interfaces.Secrets;
using Platform.Grains.Interfaces.Workspaces;
using Platform.Grains.Diagnostics;

namespace Platform.Grains.Egress;

/// <summary>
/// The one check everything leaving a workspace passes (model requests, sends, posts, HTTP calls): the workspace's
/// secret values and data key in any encoding block it always; personal data is blocked, redacted or allowed as the
/// workspace's <see cref="EgressPolicy"/> says. The secret search runs inside the grains that hold the values.
/// </summary>
public sealed partial class EgressGuard(IGrainFactory grains, PlatformMetrics metrics)
{
    /// <summary>Checks plain text.</summary>
    public async Task<EgressVerdict> InspectTextAsync(string workspaceId, string text, EgressPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(policy);
        if (await FindSecretAsync(workspaceId, text) is { } secret)
        {
            metrics.EgressBlocked(workspaceId, "secret");
            return new EgressVerdict(secret, text, [], BySecret: true);
        }

        var (blocked, redact) = Personal(text, policy);
        if (blocked is not null)
        {
            metrics.EgressBlocked(workspaceId, "personal_data");
            return new EgressVerdict(blocked, text, []);
        }

        return redact.Count == 0
            ? new EgressVerdict(null, text, [])
            : new EgressVerdict(null, PiiScanner.Redact(text, redact), [.. redact.Select(Name)]);
    }

    /// <summary>Checks a JSON payload (a tool call's arguments) by its string values, redacting inside them.</summary>
    public async Task<EgressVerdict> InspectJsonAsync(string workspaceId, string json, EgressPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var text = JsonStrings.Text(json);

        // The decoded strings and the raw JSON in one search (one pair of grain calls): what the receiver decodes, and
        // what goes over the wire as written.
        if (await FindSecretAsync(workspaceId, text + "\n" + json) is { } secret)
        {
            metrics.EgressBlocked(workspaceId, "secret");
            return new EgressVerdict(secret, json, [], BySecret: true);
        }

        var (blocked, redact) = Personal(text, policy);
        if (blocked is not null)
        {
            metrics.EgressBlocked(workspaceId, "personal_data");
            return new EgressVerdict(blocked, json, []);
        }

        if (redact.Count == 0)
        {
            return new EgressVerdict(null, json, []);
        }

        // Redaction rewrites the outer strings; personal data inside JSON nested in a string survives it, so it blocks.
        var redacted = JsonStrings.Map(json, s => PiiScanner.Redact(s, redact));
        var nested = PiiScanner.Find(JsonStrings.Text(redacted)).Any(m => redact.Contains(m.Kind));
        if (nested)
        {
            metrics.EgressBlocked(workspaceId, "personal_data");
        }

        return nested
            ? new EgressVerdict("it contains personal data the policy redacts, nested where it cannot be cut out", json, [])
            : new EgressVerdict(null, redacted, [.. redact.Select(Name)]);
    }

    private static string PercentDecode(string text)
    {
        try
        {
            return Uri.UnescapeDataString(text);
        }
        catch (UriFormatException)
        {
            return text;
        }
    }

    /// <summary>The kinds of personal data <paramref name="policy"/> treats with <paramref name="action"/>.</summary>
    public static HashSet<PiiKind> KindsWith(EgressPolicy policy, EgressAction action)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var kinds = new HashSet<PiiKind>();
        foreach (var kind in Enum.GetValues<PiiKind>())
        {
            if (Action(policy, kind) == action)
            {
                kinds.Add(kind);
            }
        }

        return kinds;
    }

    /// <summary>Why <paramref name="text"/> may not leave because of a secret (its handle and encoding), or null.</summary>
    public async Task<string?> FindSecretAsync(string workspaceId, string text) =>
        await FindSecretValueAsync(workspaceId, text) is { } finding ? $"it contains {finding.Secret} ({finding.Encoding})" : null;

    /// <summary>The secret (handle and encoding, never the value) whose value <paramref name="text"/> carries in any encoding, or null.</summary>
    public async Task<EgressFinding?> FindSecretValueAsync(string workspaceId, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        // Escapes a receiver will decode (\u002B in JSON text) are decoded for the search too.
        if (text.Contains("\\u", StringComparison.Ordinal) || text.Contains("\\/", StringComparison.Ordinal))
        {
            text = text + "\n" + UnicodeEscapes().Replace(text.Replace("\\/", "/", StringComparison.Ordinal), static m => ((char)Convert.ToInt32(m.Groups[1].Value, 16)).ToString());
        }

        if (text.Contains('%', StringComparison.Ordinal) || text.Contains("&#", StringComparison.Ordinal))
        {
            text = text + "\n" + System.Net.WebUtility.HtmlDecode(PercentDecode(text));
        }

        return await grains.GetGrain<ISecretsGrain>(workspaceId).InspectEgressAsync(text);
    }

    private static (string? Blocked, HashSet<PiiKind> Redact) Personal(string text, EgressPolicy policy)
    {
        var redact = new HashSet<PiiKind>();
        var watched = KindsWith(policy, EgressAction.Block);
        watched.UnionWith(KindsWith(policy, EgressAction.Redact));
        if (watched.Count == 0)
        {
            return (null, redact);
        }

        foreach (var kind in PiiScanner.Find(text, watched).Select(m => m.Kind).Distinct())
        {
            switch (Action(policy, kind))
            {
                case EgressAction.Block:
                    return ($"it contains {Article(kind)} {Name(kind)}, which this workspace's policy blocks", redact);
                case EgressAction.Redact:
                    redact.Add(kind);
                    break;
            }
        }

        return (null, redact);
    }

    private static EgressAction Action(EgressPolicy policy, PiiKind kind) => kind switch
    {
        PiiKind.Email => policy.Email,
        PiiKind.Phone => policy.Phone,
        _ => policy.CardNumber,
    };

    private static string Name(PiiKind kind) => kind switch
    {
        PiiKind.Email => "email address",
        PiiKind.Phone => "phone number",
        _ => "card number",
    };

    private static string Article(PiiKind kind) => kind == PiiKind.Email ? "an" : "a";

    [System.Text.RegularExpressions.GeneratedRegex(@"\\u([0-9a-fA-F]{4})", System.Text.RegularExpressions.RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial System.Text.RegularExpressions.Regex UnicodeEscapes();
}
