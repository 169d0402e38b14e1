using System.Security.Cryptography;
using Platform.Grains.Workspaces;

namespace Platform.Grains.Runs;

/// <summary>Run ids and the run grain's key, which starts with the workspace id so a run is reachable only from its workspace.</summary>
public static class RunIds
{
    /// <summary>A new run id: <c>run</c> and 16 lower-case hex digits.</summary>
    public static string NewRunId() => "run" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    /// <summary>Whether <paramref name="runId"/> has the shape of a run id.</summary>
    public static bool IsValid(string? runId) =>
        runId is { Length: 19 } && runId.StartsWith("run", StringComparison.Ordinal) && LowerHex.Is(runId.AsSpan(3));

    /// <summary>The run grain's key.</summary>
    public static string GrainKey(string workspaceId, string runId) => $"{workspaceId}/{runId}";

    /// <summary>Splits a run grain's key.</summary>
    public static (string WorkspaceId, string RunId) Parse(string grainKey)
    {
        var slash = grainKey.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || !WorkspaceIds.IsValid(grainKey[..slash]) || !IsValid(grainKey[(slash + 1)..]))
        {
            throw new ArgumentException($"'{grainKey}' is not a run key (<workspace id>/<run id>).", nameof(grainKey));
        }

        return (grainKey[..slash], grainKey[(slash + 1)..]);
    }
}
