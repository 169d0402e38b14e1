namespace Platform.Grains.Workspaces;

/// <summary>
/// What <see cref="KeyAuthenticationCache"/> saw before a key was checked by its workspace grain: an answer is
/// remembered only if the workspace did not change (and the catalogue did not move) while the grain was asked.
/// </summary>
public readonly record struct KeyCheckTicket(string WorkspaceId, long Generation, long CatalogVersion);
