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

    /// <summary>Whether the provider's stream ended with <c>[DONE]</c>, which the client gets only once the call is on the books.</summary>
    public bool DoneSeen { get; set; }

    /// <summary>The provider's count, when it gave one.</summary>
    public ReportedUsage? Usage { get; set; }

    /// <summary>Completion text and tool arguments received so far, to charge a stream that ends without a count.</summary>
    public long ProducedBytes { get; set; }

    /// <summary>How the call ended: <c>completed</c>, <c>client_disconnected</c>, <c>upstream_error</c>, <c>upstream_failed_midway</c>.</summary>
    public string Outcome { get; set; } = "completed";

    /// <summary>The provider's HTTP status, 0 when it was never reached.</summary>
    public int UpstreamStatus { get; set; }

    /// <summary>
    /// What the call costs: the provider's count when there is one; without it, what was produced when the stream broke
    /// off (never more than reserved); otherwise the reserved worst case. 0 when the provider refused or was not reached.
    /// </summary>
    public long ChargeMicros()
    {
        if (Usage is { } usage)
        {
            return Grains.Budget.CostEstimator.CostMicros(usage.PromptTokens, usage.CompletionTokens, Model);
        }

        return Outcome switch
        {
            "upstream_error" => 0,
            "client_disconnected" or "upstream_failed_midway" when ProducedBytes >= 0 =>
                Math.Min(ReservedMicros, Grains.Budget.CostEstimator.CostMicros(PromptEstimate, (ProducedBytes + 2) / 3, Model)),
            _ => ReservedMicros,
        };
    }

    /// <summary>Where the charge came from, for the audit entry.</summary>
    public string ChargeBasis => Usage is not null ? "provider_usage" : Outcome switch
    {
        "upstream_error" => "released",
        "client_disconnected" or "upstream_failed_midway" => "produced_estimate",
        _ => "reserved_worst_case",
    };
}
