namespace Platform.Grains.Interfaces.Workspaces;

/// <summary>
/// A workspace's choice of model: a catalogue entry of the operator's, and optionally a lower output limit. Prices,
/// providers and base URLs are the operator's: the fields for them exist only so that sending one is refused with a
/// message that says so, rather than being taken for a typo.
/// </summary>
/// <param name="CatalogId">The catalogue entry to use (<c>GET /v1/models</c> lists those this workspace may use); none keeps the current one.</param>
/// <param name="MaxOutputTokens">The workspace's own limit per call, from 1 to the entry's; none takes the entry's.</param>
/// <param name="Provider">Refused: the catalogue entry sets the provider.</param>
/// <param name="Model">Refused: the catalogue entry sets the upstream model; choose an entry with <c>catalogId</c>.</param>
/// <param name="BaseUrl">Refused: the catalogue entry sets the base URL.</param>
/// <param name="InputPricePer1kTokens">Refused: prices are the operator's.</param>
/// <param name="OutputPricePer1kTokens">Refused: prices are the operator's.</param>
[GenerateSerializer, Immutable, Alias("platform.WorkspaceModelPatch")]
public sealed record WorkspaceModelPatch(
    string? CatalogId = null,
    int? MaxOutputTokens = null,
    string? Provider = null,
    string? Model = null,
    string? BaseUrl = null,
    long? InputPricePer1kTokens = null,
    long? OutputPricePer1kTokens = null);
