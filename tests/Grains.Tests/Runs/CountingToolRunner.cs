using System.Collections.Concurrent;
using Platform.Grains.Tools;

namespace Platform.Grains.Tests.Runs;

/// <summary>Wraps the real tool runner and records every invocation, so a test can prove a call was never repeated.</summary>
public sealed class CountingToolRunner(ToolRunner inner) : IToolRunner
{
    public ConcurrentQueue<ToolInvocation> Invocations { get; } = new();

    public Task<ToolOutcome> RunAsync(ToolInvocation invocation, CancellationToken cancellationToken)
    {
        Invocations.Enqueue(invocation);
        return inner.RunAsync(invocation, cancellationToken);
    }
}
