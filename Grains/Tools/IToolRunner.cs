namespace Platform.Grains.Tools;

/// <summary>
/// Runs validated tool calls. Approval is not its business (the run checks it before calling); the workspace's
/// allowlists and the idempotency key are. Never throws for a tool's own failure: that is an unsuccessful outcome.
/// </summary>
public interface IToolRunner
{
    /// <summary>Runs one call.</summary>
    Task<ToolOutcome> RunAsync(ToolInvocation invocation, CancellationToken cancellationToken);
}
