using Platform.Grains.Tools;

namespace Platform.Grains.Tests.Runs;

/// <summary>
/// A tool runner that never finishes: it stands for the process dying while a side-effecting tool runs. It records
/// that it was entered so the test knows the run persisted the call as started.
/// </summary>
public sealed class HangingToolRunner : IToolRunner
{
    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Entered => _entered.Task;

    public async Task<ToolOutcome> RunAsync(ToolInvocation invocation, CancellationToken cancellationToken)
    {
        _entered.TrySetResult();
        await Task.Delay(Timeout.Infinite, cancellationToken);
        return new ToolOutcome(false, "unreachable", []);
    }
}
