namespace Platform.Grains.Interfaces.Models;

/// <summary>
/// The operator's model catalogue (one grain, key <see cref="Key"/>): which models workspaces may choose and what each
/// costs. Seeded from configuration (<c>Platform:Models:Catalog</c>); the operator API's changes are stored and win over
/// configuration for the ids they name. Every change is audited in the operator's audit log (<see cref="Key"/>).
/// </summary>
[Alias("platform.IModelCatalogGrain")]
public interface IModelCatalogGrain : IGrainWithStringKey
{
    /// <summary>The one key of the catalogue grain, and of the operator's audit log.</summary>
    public const string Key = "operator";

    /// <summary>Every entry.</summary>
    Task<ModelCatalogView> GetAsync();

    /// <summary>Adds or replaces an entry (validated: provider, base URL on the allowlist, prices, limit); refuses to exclude a workspace that uses it.</summary>
    Task<CatalogEntry> PutAsync(CatalogEntry entry, string actor);

    /// <summary>Removes an entry; the default entry and an entry some workspace uses cannot be removed.</summary>
    Task DeleteAsync(string id, string actor);

    /// <summary>
    /// Checks that <paramref name="workspaceId"/> may use <paramref name="choice"/> (the entry exists and admits it, the
    /// limit is not above the entry's) and records the use, so the entry is not removed under the workspace.
    /// </summary>
    Task<CatalogEntry> UseAsync(string workspaceId, ModelChoice choice);

    /// <summary>Forgets a deleted workspace's use.</summary>
    Task ReleaseAsync(string workspaceId);
}
