namespace Platform.Grains.Interfaces.Models;

/// <summary>Which catalogue entry a workspace uses, and the lower output limit it may set for itself.</summary>
/// <param name="CatalogId">The catalogue entry's id.</param>
/// <param name="MaxOutputTokens">The workspace's own limit per call, at most the entry's; <see langword="null"/> takes the entry's.</param>
[GenerateSerializer, Immutable, Alias("platform.ModelChoice")]
public sealed record ModelChoice(string CatalogId, int? MaxOutputTokens = null);
