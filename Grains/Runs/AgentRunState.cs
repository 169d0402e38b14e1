using Platform.Grains.Interfaces.Runs;

namespace Platform.Grains.Runs;

/// <summary>A run's durable state, written after every step. Content (input, conversation, answer, arguments) is sealed.</summary>
public sealed class AgentRunState
{
    public bool Exists { get; set; }

    public RunStatus Status { get; set; }

    public string RequesterUserId { get; set; } = "";

    /// <summary>The API key the run was started with (none for runs started before this was kept): its spend is that key's.</summary>
    public string? RequesterKeyId { get; set; }

    public string SealedInput { get; set; } = "";

    public string? SealedConversation { get; set; }

    public string? SealedAnswer { get; set; }

    public string? Error { get; set; }

    public long EstimateMicros { get; set; }

    public long? MaxCostMicros { get; set; }

    public long SpentMicros { get; set; }

    public int ModelCalls { get; set; }

    public int ToolCallsRun { get; set; }

    public int Steps { get; set; }

    public List<RunToolCall> ToolCalls { get; set; } = [];

    public List<RunEvent> Events { get; set; } = [];

    public List<string> Touched { get; set; } = [];

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    public bool CancelRequested { get; set; }

    public string? PendingApprovalId { get; set; }

    /// <summary>What guardrails refused, blocked or redacted during the run, in order; part of the receipt.</summary>
    public List<string> Notices { get; set; } = [];

    /// <summary>Why the run was stopped from outside (a revoked connector), when it was.</summary>
    public string? StopNotice { get; set; }

    /// <summary>Whether any tool call of the run named a connector (so its end releases the dependency).</summary>
    public bool UsesConnectors { get; set; }

    /// <summary>Events announcing the run's changes (its end) that the bus has not confirmed yet.</summary>
    public List<Events.OutboxEntry> Outbox { get; set; } = [];
}
