namespace Platform.Grains.Models;

/// <summary>
/// The operator's model catalogue as configured (section <c>Platform:Models</c>, list <c>Catalog</c>). The default entry
/// (<c>local-rules-1</c>) is always present; an entry of the same id here reprices it. The operator API's changes are
/// stored and win over these entries for the ids they name (<see cref="ModelCatalogGrain"/>). Validated when the host
/// starts, against <c>Platform:Models:OpenAI:AllowedBaseUrls</c>: a bad entry stops it with a message naming the entry.
/// </summary>
public sealed class ModelCatalogOptions
{
    public const string SectionName = "Platform:Models";

    public List<CatalogEntryOptions> Catalog { get; set; } = [];
}
