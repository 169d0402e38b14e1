namespace Platform.Grains.Interfaces.Workspaces;

/// <summary>A workspace as the operator sees it: no content (no members, policy, runs or keys).</summary>
/// <param name="WorkspaceId">The workspace id.</param>
/// <param name="Name">Its display name.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="Period">The budget period the amounts belong to, <c>yyyy-MM</c> (UTC).</param>
/// <param name="CapMicros">Its monthly cap in micro-dollars; 0 until an admin sets one.</param>
/// <param name="SpentMicros">What it has spent this period.</param>
[GenerateSerializer, Immutable, Alias("platform.WorkspaceSummary")]
public sealed record WorkspaceSummary(
    string WorkspaceId,
    string Name,
    DateTimeOffset CreatedAt,
    string Period,
    long CapMicros,
    long SpentMicros);
