using System.Collections.Concurrent;
using Platform.Grains.Tools;

namespace Platform.Grains.Tests.Runs;

/// <summary>Wraps the real tool runner and records every invocation, so a test can prove a call was never repeated.</summary>
public sealed class CountingToolRunner(ToolRunner inner, ConcurrentQueue<ToolInvocation> invocations) : IToolRunner
{
    /// <summary>Every invocation, in a queue the test may share between the runners of several silos.</summary>
    public ConcurrentQueue<ToolInvocation> Invocations => invocations;

    public Task<ToolOutcome> RunAsync(ToolInvocation invocation, CancellationToken cancellationToken)
    {
        Invocations.Enqueue(invocation);
        return inner.RunAsync(invocation, cancellationToken);
    }
}
