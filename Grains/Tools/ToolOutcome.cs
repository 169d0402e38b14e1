using System.Collections.Immutable;

namespace Platform.Grains.Tools;

/// <summary>What a tool call did.</summary>
/// <param name="Succeeded">Whether it did what was asked.</param>
/// <param name="Result">Its result (or error) as text for the model; treated as untrusted data by the run.</param>
/// <param name="Touched">What it touched, for the receipt: recipients, URLs, note ids.</param>
/// <param name="Notice">Set when a guardrail stopped the call (scope, egress, revoked connector): goes to the receipt and the audit.</param>
/// <param name="FailureReason">
/// Why an unsuccessful call failed, in safe words for the receipt, the run's events and the audit ("the mail relay
/// localhost:25 refused the connection"): written by platform code from what it knows (a host and port, a status code,
/// a guardrail's verdict), never from a server's text, a secret, an argument or a stack trace.
/// </param>
public sealed record ToolOutcome(bool Succeeded, string Result, ImmutableArray<string> Touched, string? Notice = null, string? FailureReason = null)
{
    /// <summary>A call that ran and failed for <paramref name="reason"/>; the model reads "Error: reason.".</summary>
    public static ToolOutcome Failure(string reason, ImmutableArray<string> touched = default, string? notice = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(reason);
        reason = reason.TrimEnd('.');
        return new(false, $"Error: {reason}.", touched.IsDefault ? [] : touched, notice, reason);
    }

    /// <summary>A call a check refused before it acted, for <paramref name="reason"/>; the model reads "Refused: reason.".</summary>
    public static ToolOutcome Refusal(string reason, string? notice = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(reason);
        reason = reason.TrimEnd('.');
        return new(false, $"Refused: {reason}.", [], notice, reason);
    }
}
