using System.Collections.Immutable;

namespace Platform.Grains.Interfaces.Audit;

/// <summary>What happened, before the log numbers and chains it.</summary>
/// <param name="Kind">A dotted kind: <c>model.call</c>, <c>tool.call</c>, <c>approval.requested</c>, <c>approval.decided</c>,
/// <c>budget.reserved</c>, <c>budget.settled</c>, <c>budget.threshold</c>, <c>key.created</c>, <c>member.added</c>, …</param>
/// <param name="Actor">Who did it: <c>user:&lt;id&gt;</c>, <c>key:&lt;id&gt;</c>, <c>run:&lt;id&gt;</c>, <c>operator</c>, <c>system</c>.</param>
/// <param name="Summary">One human-readable line.</param>
/// <param name="Details">Structured facts (run id, tool, tokens, cost in micro-dollars, outcome); never secret values.</param>
[GenerateSerializer, Immutable, Alias("platform.AuditRecord")]
public sealed record AuditRecord(string Kind, string Actor, string Summary, ImmutableSortedDictionary<string, string> Details)
{
    /// <summary>A record whose details are the given key/value pairs, sorted ordinally; a repeated key is an error.</summary>
    public static AuditRecord Create(string kind, string actor, string summary, params ReadOnlySpan<(string Key, string Value)> details)
    {
        var pairs = new KeyValuePair<string, string>[details.Length];
        for (var i = 0; i < details.Length; i++)
        {
            pairs[i] = new(details[i].Key, details[i].Value);
        }

        return new AuditRecord(kind, actor, summary, ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, pairs));
    }
}
