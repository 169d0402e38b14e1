namespace Platform.Gateway.Apis;

/// <summary>A member's request to run the agent.</summary>
/// <param name="Input">What to do.</param>
/// <param name="MaxCost">The run's own cap in micro-dollars, if any.</param>
internal sealed record StartRunRequest(string Input, long? MaxCost = null);
