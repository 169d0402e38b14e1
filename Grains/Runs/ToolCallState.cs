namespace Platform.Grains.Runs;

/// <summary>Where one tool call of a run stands; persisted before and after it runs.</summary>
public enum ToolCallState
{
    /// <summary>Validated, not yet decided whether it needs approval.</summary>
    Pending,

    /// <summary>Waiting for a human.</summary>
    AwaitingApproval,

    /// <summary>Persisted just before running: finding this state after a restart means the outcome is unknown.</summary>
    Started,

    /// <summary>Ran and succeeded.</summary>
    Succeeded,

    /// <summary>Ran and failed, or was refused before running.</summary>
    Failed,

    /// <summary>A human denied it, or the approval expired.</summary>
    Denied,

    /// <summary>The process stopped between start and finish: it may or may not have acted, and is never run again.</summary>
    OutcomeUnknown,

    /// <summary>The run ended (was cancelled) while it waited for approval; the approval was withdrawn and it never ran.</summary>
    Withdrawn,
}
