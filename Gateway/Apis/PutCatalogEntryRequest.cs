using System.Collections.Immutable;

namespace Platform.Gateway.Apis;

/// <summary>A catalogue entry as the operator sends it; the id is the route's. Prices and the limit are required: a forgotten price must not be a free model.</summary>
/// <param name="Provider"><c>local</c> or <c>openai</c>.</param>
/// <param name="Model">The upstream model name sent to the provider.</param>
/// <param name="BaseUrl">The provider's base URL (<c>openai</c> only; on <c>Platform:Models:OpenAI:AllowedBaseUrls</c>); none means OpenAI's own.</param>
/// <param name="InputPricePer1kTokens">Micro-dollars per 1,000 prompt tokens (0 to 100,000,000).</param>
/// <param name="OutputPricePer1kTokens">Micro-dollars per 1,000 completion tokens (0 to 100,000,000).</param>
/// <param name="MaxOutputTokens">The most completion tokens one call may produce (1 to 1,000,000).</param>
/// <param name="Workspaces">The workspace ids that may use it; leave it out for every workspace.</param>
internal sealed record PutCatalogEntryRequest(
    string Provider,
    string Model,
    long? InputPricePer1kTokens,
    long? OutputPricePer1kTokens,
    int? MaxOutputTokens,
    string? BaseUrl = null,
    ImmutableArray<string>? Workspaces = null);
