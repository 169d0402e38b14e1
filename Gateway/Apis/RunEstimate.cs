namespace Platform.Gateway.Apis;

/// <summary>An estimate shown before a run executes.</summary>
/// <param name="Estimate">Worst-case cost of the first model call in micro-dollars.</param>
/// <param name="Model">The catalogue id of the model it would call, at that entry's prices now.</param>
/// <param name="PromptTokens">The prompt tokens estimated (an over-estimate).</param>
/// <param name="MaxOutputTokens">The completion tokens reserved.</param>
internal sealed record RunEstimate(long Estimate, string Model, int PromptTokens, int MaxOutputTokens);
