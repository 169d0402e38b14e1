using System.Collections.Immutable;
using System.Globalization;

using Platform.Grains.Interfaces.Audit;
using Platform.Grains.Interfaces.Egress;

namespace Platform.Gateway.Proxy;

/// <summary>
/// The audit records of the OpenAI-compatible endpoint: model, tokens, cost and latency of every call, and every
/// refusal. Prompt content appears only sealed with the workspace key, and only when the workspace asks for it.
/// </summary>
internal static class ProxyAudit
{
    /// <summary>The encryption purpose of sealed prompts in audit entries.</summary>
    public const string PromptPurpose = "audit.proxy_prompt";

    // An audit detail holds at most 4,096 characters; a longer sealed prompt is named rather than cut.
    private const int MaxSealedLength = 4000;

    public static AuditRecord Completed(ProxyCall call, long chargeMicros, TimeSpan elapsed, string? sealedPrompt)
    {
        var usage = call.Usage;

        // Written as one list and sorted once: this runs for every call through the endpoint.
        List<KeyValuePair<string, string>> details =
        [
            new("charge_basis", call.ChargeBasis),
            new("completion_tokens", usage is { } u1 ? Number(u1.CompletionTokens) : "unknown"),
            new("cost_micros", Number(chargeMicros)),
            new("key_id", call.KeyId),
            new("latency_us", Number((long)elapsed.TotalMicroseconds)),
            new("model", call.Model.Model),
            new("outcome", call.Outcome),
            new("prompt_tokens", usage is { } u2 ? Number(u2.PromptTokens) : "unknown"),
            new("reserved_micros", Number(call.ReservedMicros)),
            new("stream", call.Request.Stream ? "true" : "false"),
            new("upstream_status", Number(call.UpstreamStatus)),
        ];
        if (sealedPrompt is not null)
        {
            details.Add(new("prompt_sealed", sealedPrompt.Length <= MaxSealedLength ? sealedPrompt : "(too long for an audit entry)"));
        }

        var tokens = usage is { } u ? $"{u.PromptTokens} + {u.CompletionTokens} tokens" : "tokens not reported";
        return new AuditRecord("proxy.chat_completion", call.Actor, $"{call.Model.Model}: {call.Outcome}, {tokens}, {chargeMicros} micro-dollars", ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, details));
    }

    public static AuditRecord BudgetRefused(string actor, string keyId, string model, long reservedMicros, string refusal) =>
        new("proxy.refused", actor, $"{model}: refused, {refusal}", Details(
            ("key_id", keyId), ("model", model), ("reason", "budget_exceeded"), ("reserved_micros", Number(reservedMicros))));

    public static AuditRecord EgressBlocked(string actor, string keyId, string model, EgressFinding finding) =>
        new("proxy.egress_blocked", actor, $"{model}: refused, the request carried {finding.Secret} ({finding.Encoding})", Details(
            ("key_id", keyId), ("model", model), ("secret", finding.Secret), ("encoding", finding.Encoding)));

    private static ImmutableSortedDictionary<string, string> Details(params (string Key, string Value)[] details) =>
        details.ToImmutableSortedDictionary(static d => d.Key, static d => d.Value, StringComparer.Ordinal);

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
