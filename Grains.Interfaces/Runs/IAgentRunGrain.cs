namespace Platform.Grains.Interfaces.Runs;

/// <summary>
/// One agent run (key: <c>&lt;workspace id&gt;/&lt;run id&gt;</c>): the agent loop as a durable state machine, persisted
/// after every step. It resumes after a restart at any step; while it waits for an approval it holds no thread.
/// </summary>
[Alias("platform.IAgentRunGrain")]
public interface IAgentRunGrain : IGrainWithStringKey
{
    /// <summary>
    /// Starts the run and returns at once with its estimate; the loop continues in the background. Refused with nothing
    /// stored when the input carries a workspace secret's value (<see cref="Egress.SecretDetectedException"/>, audited by
    /// handle) or the workspace's cap is not set (<see cref="Workspaces.WorkspaceConflictException"/>).
    /// </summary>
    Task<RunView> StartAsync(StartRun request);

    /// <summary>The run now; <see cref="Workspaces.WorkspaceNotFoundException"/> if it does not exist.</summary>
    [AlwaysInterleave]
    Task<RunView> GetAsync();

    /// <summary>Events after <paramref name="afterSequence"/>, and whether the run has ended.</summary>
    [AlwaysInterleave]
    Task<RunEventPage> GetEventsAsync(long afterSequence);

    /// <summary>Stops the run at its next step; a model call in flight is abandoned (its reservation released).</summary>
    [AlwaysInterleave]
    Task<RunView> CancelAsync(string actor);

    /// <summary>The receipt of a finished run; <see cref="Workspaces.WorkspaceNotFoundException"/> while it runs.</summary>
    [AlwaysInterleave]
    Task<RunReceipt> GetReceiptAsync();

    /// <summary>Continues the loop: after a start, an approval decision, or a restart.</summary>
    Task ContinueAsync();

    /// <summary>
    /// Stops a run that has not finished because something it depends on went away (a revoked connector): any call in
    /// flight is cancelled, and the run ends cancelled with <paramref name="notice"/> in its receipt. A finished run is left as it is.
    /// </summary>
    [AlwaysInterleave]
    Task StopAsync(string notice);
}

