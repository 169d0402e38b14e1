using System.Collections.Immutable;

namespace Platform.Grains.Tools;

/// <summary>What a tool call did.</summary>
/// <param name="Succeeded">Whether it did what was asked.</param>
/// <param name="Result">Its result (or error) as text for the model; treated as untrusted data by the run.</param>
/// <param name="Touched">What it touched, for the receipt: recipients, URLs, note ids.</param>
/// <param name="Notice">Set when a guardrail stopped the call (scope, egress, revoked connector): goes to the receipt and the audit.</param>
public sealed record ToolOutcome(bool Succeeded, string Result, ImmutableArray<string> Touched, string? Notice = null);
