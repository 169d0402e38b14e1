namespace Platform.Grains.Interfaces.Runs;

/// <summary>Where a run stands. The last three are final.</summary>
public enum RunStatus
{
    /// <summary>Working: calling the model or running read-only tools.</summary>
    Running,

    /// <summary>Paused, holding no thread, until a human decides an approval.</summary>
    WaitingForApproval,

    /// <summary>Finished with an answer.</summary>
    Completed,

    /// <summary>Stopped by a limit (budget, steps) or an error.</summary>
    Failed,

    /// <summary>Stopped by a member.</summary>
    Cancelled,
}
