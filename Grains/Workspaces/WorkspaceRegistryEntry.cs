namespace Platform.Grains.Workspaces;

/// <summary>One entry of the registry's journal: a workspace listed (or renamed), or forgotten after its deletion.</summary>
/// <param name="Kind"><see cref="Recorded"/> or <see cref="Forgotten"/>.</param>
/// <param name="WorkspaceId">The workspace.</param>
/// <param name="Name">Its name, when recorded.</param>
/// <param name="CreatedAt">When it was created, when recorded.</param>
public sealed record WorkspaceRegistryEntry(string Kind, string WorkspaceId, string? Name, DateTimeOffset? CreatedAt)
{
    public const string Recorded = "recorded";

    public const string Forgotten = "forgotten";
}
