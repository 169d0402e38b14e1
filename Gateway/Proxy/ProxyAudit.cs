using System.Runtime.InteropServices;
using System.Globalization;

using Platform.Grains.Interfaces.Audit;

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

        List<(string Key, string Value)> details =
        [
            ("charge_basis", call.ChargeBasis),
            ("completion_tokens", usage is { } u1 ? Number(u1.CompletionTokens) : "unknown"),
            ("cost_micros", Number(chargeMicros)),
            ("key_id", call.KeyId),
            ("latency_us", Number((long)elapsed.TotalMicroseconds)),
            ("model", call.Model.Model),
            ("outcome", call.Outcome),
            ("prompt_tokens", usage is { } u2 ? Number(u2.PromptTokens) : "unknown"),
            ("reserved_micros", Number(call.ReservedMicros)),
            ("stream", call.Request.Stream ? "true" : "false"),
            ("upstream_status", Number(call.UpstreamStatus)),
        ];
        if (sealedPrompt is not null)
        {
            details.Add(("prompt_sealed", sealedPrompt.Length <= MaxSealedLength ? sealedPrompt : "(too long for an audit entry)"));
        }

        var tokens = usage is { } u ? $"{u.PromptTokens} + {u.CompletionTokens} tokens" : "tokens not reported";
        return AuditRecord.Create("proxy.chat_completion", call.Actor, $"{call.Model.Model}: {call.Outcome}, {tokens}, {chargeMicros} micro-dollars", CollectionsMarshal.AsSpan(details));
    }

    public static AuditRecord BudgetRefused(string actor, string keyId, string model, long reservedMicros, string refusal) =>
        AuditRecord.Create("proxy.refused", actor, $"{model}: refused, {refusal}", ("key_id", keyId), ("model", model), ("reason", "budget_exceeded"), ("reserved_micros", Number(reservedMicros)));

    public static AuditRecord EgressBlocked(string actor, string keyId, string model, string reason) =>
        AuditRecord.Create("proxy.egress_blocked", actor, $"{model}: refused, {reason}", ("key_id", keyId), ("model", model), ("reason", reason));

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
