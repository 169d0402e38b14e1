namespace Platform.Gateway.Apis;

/// <summary>What a run would be asked, to estimate its cost before it runs.</summary>
/// <param name="Input">What to do.</param>
internal sealed record EstimateRunRequest(string Input);
