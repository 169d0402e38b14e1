namespace Platform.Grains.Interfaces.Runs;

/// <summary>
/// The list of a workspace's runs (key: workspace id), so members find a run again without having kept its id. Each
/// run records itself when it starts and whenever its status changes. Bounded: it keeps the newest runs up to a limit
/// (<c>Platform:RunIndex:MaxListed</c>, 1,000 by default), and when full it drops the oldest finished run first, so a
/// run still waiting for an approval stays listed. A run dropped from the list is still reachable by its id.
/// </summary>
[Alias("platform.IRunIndexGrain")]
public interface IRunIndexGrain : IGrainWithStringKey
{
    /// <summary>Adds the run, or updates its entry; an update older than the one kept is ignored.</summary>
    Task RecordAsync(RunSummary run);

    /// <summary>
    /// Runs newest first, optionally only those in <paramref name="status"/>, after the run <paramref name="after"/>
    /// (the <see cref="RunPage.Next"/> of the previous page); <see cref="ArgumentException"/> if that run is not listed.
    /// </summary>
    [AlwaysInterleave]
    Task<RunPage> ListAsync(RunStatus? status, string? after, int limit);
}
