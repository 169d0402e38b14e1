using System.Globalization;
using Platform.Grains.Interfaces.Runs;

namespace Platform.Grains.Runs;

/// <summary>Writes a finished run's receipt: one line for what it did, one for what it touched and cost.</summary>
public static class RunReceipts
{
    /// <summary>The receipt of a run that has ended.</summary>
    public static RunReceipt For(string runId, AgentRunState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return For(runId, state, state.Status, state.Error, state.FinishedAt ?? state.CreatedAt);
    }

    /// <summary>The receipt a run will have once it ends with <paramref name="status"/>, written before the end is shown.</summary>
    public static RunReceipt For(string runId, AgentRunState state, RunStatus status, string? error, DateTimeOffset finishedAt)
    {
        ArgumentNullException.ThrowIfNull(state);
        var ran = state.ToolCalls
            .Where(c => c.State is ToolCallState.Succeeded or ToolCallState.Failed)
            .Select(c => c.State == ToolCallState.Failed ? $"{c.Tool} failed: {c.FailureReason ?? "no reason was recorded"}" : c.Tool)
            .ToList();
        var denied = state.ToolCalls.Count(c => c.State == ToolCallState.Denied);
        var unknown = state.ToolCalls.Count(c => c.State == ToolCallState.OutcomeUnknown);
        var withdrawn = state.ToolCalls.Count(c => c.State == ToolCallState.Withdrawn);
        var did = string.Create(CultureInfo.InvariantCulture, $"{status}: {Count(state.ModelCalls, "model call")}, {Count(state.ToolCallsRun, "tool call")} run{(ran.Count > 0 ? $" ({string.Join(", ", ran.Distinct())})" : "")}")
            + (denied > 0 ? $", {Count(denied, "call")} not approved" : "")
            + (unknown > 0 ? $", {Count(unknown, "call")} with unknown outcome" : "")
            + (withdrawn > 0 ? $", {Count(withdrawn, "call")} withdrawn while waiting for approval" : "")
            + (error is not null ? $"; {error.TrimEnd('.')}" : "")
            + ".";
        var touched = state.Touched.Count == 0 ? "nothing outside the conversation" : string.Join(", ", state.Touched);
        var cost = $"Touched {touched}; cost {Money.Format(state.SpentMicros)}."
            + (state.Notices.Count > 0 ? $" {Count(state.Notices.Count, "guardrail notice")}." : "");
        return new RunReceipt(runId, status, did, cost, [.. state.Touched], state.SpentMicros, state.ModelCalls, state.ToolCallsRun, finishedAt, [.. state.Notices]);
    }

    private static string Count(int n, string noun) => string.Create(CultureInfo.InvariantCulture, $"{n} {noun}{(n == 1 ? "" : "s")}");
}
