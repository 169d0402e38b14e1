namespace Platform.Gateway.Apis;

/// <summary>A created workspace and its owner's key (shown once).</summary>
/// <param name="WorkspaceId">The new workspace's id.</param>
/// <param name="OwnerKey">The owner's bearer token.</param>
internal sealed record CreateWorkspaceResponse(string WorkspaceId, string OwnerKey);
