namespace Platform.Security.Tests.Contracts;

/// <summary>
/// Test-only grain: throws each exception type that may cross a grain call, and calls other grains from its own key,
/// so a test can be a grain of one workspace (key <c>ws…/probe</c>) or of none (any other key).
/// </summary>
[Alias("test.IContractProbeGrain")]
public interface IContractProbeGrain : IGrainWithStringKey
{
    /// <summary>Throws the exception named <paramref name="kind"/> (see <see cref="ContractExceptions"/>).</summary>
    [Alias("Throw")]
    Task ThrowAsync(string kind);

    /// <summary>Calls a read method of <paramref name="workspaceId"/>'s grain named <paramref name="target"/> (workspace, budget, audit, run).</summary>
    [Alias("Call")]
    Task CallAsync(string workspaceId, string target, string? runKey);
}
