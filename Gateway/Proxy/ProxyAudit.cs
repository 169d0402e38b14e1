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
        var details = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        details["key_id"] = call.KeyId;
        details["model"] = call.Model.Model;
        details["stream"] = call.Request.Stream ? "true" : "false";
        details["outcome"] = call.Outcome;
        details["upstream_status"] = Number(call.UpstreamStatus);
        details["prompt_tokens"] = usage is { } u1 ? Number(u1.PromptTokens) : "unknown";
        details["completion_tokens"] = usage is { } u2 ? Number(u2.CompletionTokens) : "unknown";
        details["reserved_micros"] = Number(call.ReservedMicros);
        details["cost_micros"] = Number(chargeMicros);
        details["charge_basis"] = call.ChargeBasis;
        details["latency_us"] = Number((long)elapsed.TotalMicroseconds);
        if (sealedPrompt is not null)
        {
            details["prompt_sealed"] = sealedPrompt.Length <= MaxSealedLength ? sealedPrompt : "(too long for an audit entry)";
        }

        var tokens = usage is { } u ? $"{u.PromptTokens} + {u.CompletionTokens} tokens" : "tokens not reported";
        return new AuditRecord("proxy.chat_completion", call.Actor, $"{call.Model.Model}: {call.Outcome}, {tokens}, {chargeMicros} micro-dollars", details.ToImmutable());
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
