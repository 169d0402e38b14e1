using System.Collections.Immutable;

namespace Platform.Grains.Interfaces.Runs;

/// <summary>What a finished run did, what it touched and what it cost.</summary>
/// <param name="RunId">The run.</param>
/// <param name="Status">How it ended.</param>
/// <param name="Did">First line: what it did.</param>
/// <param name="Cost">Second line: what it touched and cost.</param>
/// <param name="Touched">Everything it touched outside the conversation: recipients, URLs, notes.</param>
/// <param name="SpentMicros">Its settled model spend.</param>
/// <param name="ModelCalls">How many model calls it made.</param>
/// <param name="ToolCalls">How many tool calls ran.</param>
/// <param name="FinishedAt">When it ended.</param>
/// <param name="Notices">What guardrails stopped or changed (refused calls, blocked or redacted content, a revoked connector).</param>
[GenerateSerializer, Immutable, Alias("platform.RunReceipt")]
public sealed record RunReceipt(
    string RunId,
    RunStatus Status,
    string Did,
    string Cost,
    ImmutableArray<string> Touched,
    long SpentMicros,
    int ModelCalls,
    int ToolCalls,
    DateTimeOffset FinishedAt,
    ImmutableArray<string> Notices);
