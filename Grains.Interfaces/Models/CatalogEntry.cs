using System.Collections.Immutable;
using Platform.Grains.Interfaces.Workspaces;

namespace Platform.Grains.Interfaces.Models;

/// <summary>
/// One model the operator offers, at the operator's prices. Workspaces choose an entry by <see cref="Id"/>; they never
/// set a provider, a base URL or a price. Prices are integer micro-dollars (1 USD = 1,000,000) per 1,000 tokens.
/// </summary>
/// <param name="Id">The catalogue id: what a workspace chooses and what <c>/v1/models</c> lists and clients send as <c>model</c>.</param>
/// <param name="Provider"><c>local</c> (the offline rule-based model) or <c>openai</c> (any OpenAI-compatible server).</param>
/// <param name="Model">The upstream model name, sent to the provider.</param>
/// <param name="BaseUrl">The provider's base URL (<c>openai</c> only; on <c>Platform:Models:OpenAI:AllowedBaseUrls</c>); none means OpenAI's own.</param>
/// <param name="InputPricePer1kTokens">Micro-dollars per 1,000 prompt tokens.</param>
/// <param name="OutputPricePer1kTokens">Micro-dollars per 1,000 completion tokens.</param>
/// <param name="MaxOutputTokens">The most completion tokens one call may produce; a workspace may lower it, never raise it.</param>
/// <param name="Workspaces">The workspace ids that may use the entry; <see langword="null"/> means every workspace.</param>
/// <param name="CreatedAt">When the entry first appeared in the catalogue (the <c>created</c> of <c>/v1/models</c>).</param>
[GenerateSerializer, Immutable, Alias("platform.CatalogEntry")]
public sealed record CatalogEntry(
    string Id,
    string Provider,
    string Model,
    string? BaseUrl,
    long InputPricePer1kTokens,
    long OutputPricePer1kTokens,
    int MaxOutputTokens,
    ImmutableArray<string>? Workspaces = null,
    DateTimeOffset? CreatedAt = null)
{
    /// <summary>The id of the embedded default's entry, always present: the offline local model.</summary>
    public const string DefaultId = ModelSettings.DefaultCatalogId;

    /// <summary>The embedded default's entry as shipped (<see cref="ModelSettings.Default"/>); the operator may reprice it, never remove it.</summary>
    public static CatalogEntry Default { get; } = new(
        DefaultId,
        ModelSettings.Default.Provider,
        ModelSettings.Default.Model,
        ModelSettings.Default.BaseUrl,
        ModelSettings.Default.InputPricePer1kTokens,
        ModelSettings.Default.OutputPricePer1kTokens,
        ModelSettings.Default.MaxOutputTokens);

    /// <summary>Whether the workspace <paramref name="workspaceId"/> may use this entry.</summary>
    public bool Allows(string workspaceId) => Workspaces is not { } only || only.Contains(workspaceId, StringComparer.Ordinal);

    /// <summary>The settings a call runs with: this entry's provider and prices, and the lower of its limit and the workspace's.</summary>
    public ModelSettings Resolve(int? workspaceMaxOutputTokens) => new(
        Provider,
        Model,
        BaseUrl,
        InputPricePer1kTokens,
        OutputPricePer1kTokens,
        workspaceMaxOutputTokens is { } lower && lower < MaxOutputTokens ? lower : MaxOutputTokens,
        Id);
}
