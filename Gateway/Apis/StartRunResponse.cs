namespace Platform.Gateway.Apis;

/// <summary>A started run.</summary>
/// <param name="RunId">Its id.</param>
/// <param name="Estimate">Its estimated cost in micro-dollars (one model call at worst case).</param>
internal sealed record StartRunResponse(string RunId, long Estimate);
