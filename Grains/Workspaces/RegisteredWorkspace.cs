namespace Platform.Grains.Workspaces;

/// <summary>What the registry knows of one workspace, folded from its journal.</summary>
internal sealed class RegisteredWorkspace
{
    public required string WorkspaceId { get; init; }

    /// <summary>Its place in creation order (position in the registry's list).</summary>
    public required int Position { get; init; }

    public required string Name { get; set; }

    public required DateTimeOffset CreatedAt { get; init; }

    public bool Forgotten { get; set; }
}
