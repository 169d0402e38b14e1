using System.Collections.Immutable;

namespace Platform.Grains.Interfaces.Models;

/// <summary>The operator's model catalogue as it stands: configuration, then the operator API's changes.</summary>
/// <param name="Entries">Every entry, ordered by id; the default entry is always one of them.</param>
[GenerateSerializer, Immutable, Alias("platform.ModelCatalogView")]
public sealed record ModelCatalogView(ImmutableArray<CatalogEntry> Entries);
