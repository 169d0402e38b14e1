namespace Platform.Gateway.Apis;

/// <summary>The operator's request for a new workspace.</summary>
/// <param name="Name">The workspace's display name.</param>
/// <param name="OwnerUserId">The owner's user id.</param>
/// <param name="OwnerDisplayName">The owner's display name.</param>
internal sealed record CreateWorkspaceRequest(string Name, string OwnerUserId, string OwnerDisplayName);
