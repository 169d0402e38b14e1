namespace Platform.Grains.Interfaces.Runs;

/// <summary>
/// A run as the workspace's run listing shows it: ids, status, times and cost. Never the input or the answer, which
/// may hold personal data; <see cref="IAgentRunGrain.GetAsync"/> has those.
/// </summary>
/// <param name="RunId">The run's id.</param>
/// <param name="Status">Where it stood at <paramref name="UpdatedAt"/>.</param>
/// <param name="StartedBy">The user id of the member who started it.</param>
/// <param name="CreatedAt">When it started.</param>
/// <param name="UpdatedAt">When the listing last heard from it (each status change, and its end).</param>
/// <param name="EstimateMicros">The estimate shown before it ran.</param>
/// <param name="SpentMicros">What it was charged, as of <paramref name="UpdatedAt"/>; final once the run has ended.</param>
[GenerateSerializer, Immutable, Alias("platform.RunSummary")]
public sealed record RunSummary(
    string RunId,
    RunStatus Status,
    string StartedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long EstimateMicros,
    long SpentMicros);
