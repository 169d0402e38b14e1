namespace Platform.Grains.Interfaces.Workspaces;

/// <summary>A new workspace and its owner's first key (shown once).</summary>
/// <param name="WorkspaceId">The new workspace's id.</param>
/// <param name="OwnerKey">The owner's admin key.</param>
[GenerateSerializer, Immutable, Alias("platform.WorkspaceCreated")]
public sealed record WorkspaceCreated(string WorkspaceId, CreatedApiKey OwnerKey);
