using System.Collections.Immutable;
using Platform.Grains.Interfaces.Models;

namespace Platform.Grains.Models;

/// <summary>One catalogue entry as configured (<c>Platform:Models:Catalog:N</c>); see <see cref="CatalogEntry"/>.</summary>
public sealed class CatalogEntryOptions
{
    public string Id { get; set; } = "";

    public string Provider { get; set; } = "";

    public string Model { get; set; } = "";

    public string? BaseUrl { get; set; }

    public long InputPricePer1kTokens { get; set; } = -1;

    public long OutputPricePer1kTokens { get; set; } = -1;

    public int MaxOutputTokens { get; set; }

    /// <summary>The workspace ids that may use the entry; none configured means every workspace.</summary>
    public List<string>? Workspaces { get; set; }

    public CatalogEntry ToEntry() => new(
        Id,
        Provider,
        Model,
        string.IsNullOrEmpty(BaseUrl) ? null : BaseUrl,
        InputPricePer1kTokens,
        OutputPricePer1kTokens,
        MaxOutputTokens,
        Workspaces is { Count: > 0 } only ? [.. only] : (ImmutableArray<string>?)null);
}
