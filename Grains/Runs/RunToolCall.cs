using Platform.Grains.Interfaces.Workspaces;

namespace Platform.Grains.Runs;

/// <summary>A tool call of the current model turn, with the state that makes it safe across restarts.</summary>
public sealed class RunToolCall
{
    public string CallId { get; set; } = "";

    public string Tool { get; set; } = "";

    public ToolClass Class { get; set; }

    /// <summary>The canonical arguments, sealed with the workspace key.</summary>
    public string SealedArguments { get; set; } = "";

    public ToolCallState State { get; set; }

    public string? ApprovalId { get; set; }

    /// <summary>The policy version the approval was requested under (part of the approved hash).</summary>
    public int PolicyVersion { get; set; }

    /// <summary>Why it failed or was refused, in the platform's safe words, for the receipt; null unless it failed.</summary>
    public string? FailureReason { get; set; }

    /// <summary>Unique per call; a side-effecting tool uses it so a retry never acts twice.</summary>
    public string IdempotencyKey { get; set; } = "";
}
