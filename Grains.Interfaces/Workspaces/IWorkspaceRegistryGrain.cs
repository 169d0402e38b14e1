namespace Platform.Grains.Interfaces.Workspaces;

/// <summary>
/// Every workspace of the installation (one grain, key <c>installation</c>), for the operator: id, name and creation
/// time, kept by the workspaces themselves as they are created, renamed and deleted. It holds no workspace content.
/// </summary>
[Alias("platform.IWorkspaceRegistryGrain")]
public interface IWorkspaceRegistryGrain : IGrainWithStringKey
{
    /// <summary>Lists a workspace, or updates its name; a deleted workspace is never listed again.</summary>
    Task RecordAsync(string workspaceId, string name, DateTimeOffset createdAt);

    /// <summary>Removes a deleted workspace from the list; idempotent.</summary>
    Task ForgetAsync(string workspaceId);

    /// <summary>
    /// Workspaces in creation order after the workspace <paramref name="after"/> (the <see cref="WorkspacePage.Next"/> of
    /// the previous page), with each one's cap and spend this period; one budget read per workspace on the page.
    /// </summary>
    [AlwaysInterleave]
    Task<WorkspacePage> ListAsync(string? after, int limit);

    /// <summary>One listed workspace; <see cref="WorkspaceNotFoundException"/> if it is not (or no longer) listed.</summary>
    [AlwaysInterleave]
    Task<WorkspaceSummary> GetAsync(string workspaceId);
}
