namespace Platform.Grains.Interfaces.Runs;

/// <summary>A member's request to run the agent.</summary>
/// <param name="Input">What to do (1–20,000 characters).</param>
/// <param name="RequesterUserId">The member starting it (four eyes compares approvers against this).</param>
/// <param name="MaxCostMicros">The run's own cap in micro-dollars, if any.</param>
/// <param name="RequesterKeyId">The API key the run was started with, so its spend is reported under that key.</param>
[GenerateSerializer, Immutable, Alias("platform.StartRun")]
public sealed record StartRun(string Input, string RequesterUserId, long? MaxCostMicros, string? RequesterKeyId = null);
