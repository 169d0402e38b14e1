using Platform.Grains.Interfaces.Models;

namespace Platform.Grains.Models;

/// <summary>
/// What the catalogue grain stores: only the operator API's changes (configuration is read again at every start) and
/// which workspace uses which entry.
/// </summary>
public sealed class ModelCatalogState
{
    /// <summary>When the catalogue first started: the <c>created</c> of the entries that come from configuration.</summary>
    public DateTimeOffset? Since { get; set; }

    /// <summary>Entries added or replaced through the operator API, by id; they win over configuration.</summary>
    public Dictionary<string, CatalogEntry> Put { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Ids removed through the operator API; a configured entry of such an id stays out until put again.</summary>
    public HashSet<string> Removed { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Workspace id → the catalogue id it chose (workspaces on the default entry are not listed).</summary>
    public Dictionary<string, string> Uses { get; set; } = new(StringComparer.Ordinal);
}
