namespace Platform.Grains.Interfaces.Workspaces;

/// <summary>
/// The model a workspace's calls run with, resolved from the operator's catalogue at the time of the call: the chosen
/// entry's provider, upstream model and prices, and the lower of the entry's output limit and the workspace's. Prices
/// are integer micro-dollars (1 USD = 1,000,000) per 1,000 tokens, so budget arithmetic never rounds. A workspace never
/// sets these: it chooses a catalogue entry (<see cref="WorkspaceModelPatch"/>).
/// </summary>
/// <param name="Provider"><c>local</c> (the offline rule-based model, not a language model) or <c>openai</c> (any OpenAI-compatible server).</param>
/// <param name="Model">The model name sent to the provider.</param>
/// <param name="BaseUrl">The provider's base URL (<c>openai</c> only).</param>
/// <param name="InputPricePer1kTokens">Micro-dollars per 1,000 prompt tokens.</param>
/// <param name="OutputPricePer1kTokens">Micro-dollars per 1,000 completion tokens.</param>
/// <param name="MaxOutputTokens">The most completion tokens one model call may produce; the budget reserves this worst case.</param>
/// <param name="CatalogId">The catalogue entry these settings come from: the model's id in <c>/v1/models</c>.</param>
[GenerateSerializer, Immutable, Alias("platform.ModelSettings")]
public sealed record ModelSettings(
    string Provider,
    string Model,
    string? BaseUrl,
    long InputPricePer1kTokens,
    long OutputPricePer1kTokens,
    int MaxOutputTokens,
    string CatalogId = ModelSettings.DefaultCatalogId)
{
    /// <summary>The catalogue id of the embedded default's entry.</summary>
    public const string DefaultCatalogId = "local-rules-1";

    /// <summary>The embedded default: the offline local model at a nominal price so budgets are exercised.</summary>
    public static ModelSettings Default { get; } = new("local", "local-rules-1", null, 1_000, 2_000, 512);
}
