using System.Collections.Immutable;
using Platform.Grains.Interfaces.Models;
using Platform.Grains.Interfaces.Workspaces;

namespace Platform.Grains.Models;

/// <summary>
/// The catalogue as this process last saw it, with a version that changes whenever the catalogue does, so a workspace
/// can tell with one comparison whether the settings it resolved earlier are still the operator's.
/// </summary>
public sealed class ModelCatalogSnapshot
{
    public ModelCatalogSnapshot(long version, ImmutableArray<CatalogEntry> entries)
    {
        Version = version;
        Entries = entries;
        ById = entries.ToImmutableDictionary(static e => e.Id, StringComparer.Ordinal);
    }

    public long Version { get; }

    /// <summary>Every entry, ordered by id.</summary>
    public ImmutableArray<CatalogEntry> Entries { get; }

    public ImmutableDictionary<string, CatalogEntry> ById { get; }

    /// <summary>The default entry (always present; the catalogue grain puts it there).</summary>
    public CatalogEntry Default => ById.GetValueOrDefault(CatalogEntry.DefaultId) ?? CatalogEntry.Default;

    /// <summary>The entries <paramref name="workspaceId"/> may use, ordered by id.</summary>
    public ImmutableArray<CatalogEntry> For(string workspaceId) => [.. Entries.Where(e => e.Allows(workspaceId))];

    /// <summary>
    /// The settings a workspace's calls run with. No choice (every workspace before the catalogue, and a new one) is the
    /// default entry; so is a chosen entry that is gone from the catalogue or no longer admits the workspace, since a
    /// workspace must never keep calling a model at prices the operator no longer offers it.
    /// </summary>
    public ModelSettings Resolve(string workspaceId, ModelChoice? choice)
    {
        if (choice is not null && ById.TryGetValue(choice.CatalogId, out var chosen) && chosen.Allows(workspaceId))
        {
            return chosen.Resolve(choice.MaxOutputTokens);
        }

        return Default.Resolve(null);
    }
}
