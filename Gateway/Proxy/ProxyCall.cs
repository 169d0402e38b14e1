using Platform.Grains.Interfaces.Workspaces;

namespace Platform.Gateway.Proxy;

/// <summary>One chat completion in flight: who asked, what was reserved, and what the provider did.</summary>
internal sealed class ProxyCall(
    string workspaceId,
    string keyId,
    string actor,
    ChatRequest request,
    ModelSettings model,
    long promptEstimate,
    long reservedMicros,
    string reservationId,
    long startedTimestamp,
    bool auditContent)
{
    public string WorkspaceId { get; } = workspaceId;

    public string KeyId { get; } = keyId;

    public string Actor { get; } = actor;

    public ChatRequest Request { get; } = request;

    public ModelSettings Model { get; } = model;

    /// <summary>The prompt tokens the reservation assumed.</summary>
    public long PromptEstimate { get; } = promptEstimate;

    public long ReservedMicros { get; } = reservedMicros;

    public string ReservationId { get; } = reservationId;

    /// <summary>When the request arrived (<see cref="System.Diagnostics.Stopwatch.GetTimestamp"/>), for the audited latency.</summary>
    public long StartedTimestamp { get; } = startedTimestamp;

    /// <summary>Whether the audit entry keeps a sealed copy of the prompt.</summary>
    public bool AuditContent { get; } = auditContent;

    /// <summary>Whether the call is on the books (settled or released, and audited).</summary>
    public bool Finished { get; set; }

    /// <summary>Under strict billing, whether the charge failed to reach the ledger, so the answer must not complete.</summary>
    public bool ChargeUnrecorded { get; set; }

    /// <summary>Whether the provider's stream ended with <c>[DONE]</c>, which the client gets only once the call is on the books.</summary>
    public bool DoneSeen { get; set; }

    /// <summary>The provider's count, when it gave one.</summary>
    public ReportedUsage? Usage { get; set; }

    /// <summary>Completion text and tool arguments received so far, to charge a stream that ends without a count.</summary>
    public long ProducedBytes { get; set; }

    /// <summary>How the call ended: <c>completed</c>, <c>client_disconnected</c>, <c>upstream_error</c>, <c>upstream_failed_midway</c>.</summary>
    public string Outcome { get; set; } = CallOutcome.Completed;

    /// <summary>The provider's HTTP status, 0 when it was never reached.</summary>
    public int UpstreamStatus { get; set; }

    /// <summary>Whether the call broke off before its end (the client left, or the provider's answer broke off).</summary>
    public bool Interrupted => Outcome is CallOutcome.ClientDisconnected or CallOutcome.UpstreamFailedMidway;

    /// <summary>
    /// What the call costs: the provider's count when there is one. Without it: a stream that broke off is charged what
    /// arrived until then (never more than reserved), because the provider stops producing when its stream is dropped;
    /// an answer that was not streamed is charged the reserved worst case, because the provider finishes it regardless;
    /// a call the provider refused or never received costs nothing.
    /// </summary>
    public long ChargeMicros()
    {
        if (Usage is { } usage)
        {
            return Grains.Budget.CostEstimator.CostMicros(usage.PromptTokens, usage.CompletionTokens, Model);
        }

        if (Outcome == CallOutcome.UpstreamError)
        {
            return 0;
        }

        return Interrupted && Request.Stream
            ? Math.Min(ReservedMicros, Grains.Budget.CostEstimator.CostMicros(PromptEstimate, (ProducedBytes + 2) / 3, Model))
            : ReservedMicros;
    }

    /// <summary>Where the charge came from, for the audit entry.</summary>
    public string ChargeBasis =>
        Usage is not null ? "provider_usage"
        : Outcome == CallOutcome.UpstreamError ? "released"
        : Interrupted && Request.Stream ? "produced_estimate"
        : "reserved_worst_case";
}
