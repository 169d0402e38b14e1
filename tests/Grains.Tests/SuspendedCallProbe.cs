using System.Collections.Concurrent;

namespace Platform.Grains.Tests;

/// <summary>
/// A grain call filter that tells a test when a call to a named method has reached its grain and is suspended there
/// (its turn awaits something, a ledger write say). A call from the test crosses the client, so issuing it no longer
/// means the grain has it; a test that must act only once the grain holds the call waits for this instead.
/// Registered as one instance on every silo.
/// </summary>
internal sealed class SuspendedCallProbe : IIncomingGrainCallFilter
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _suspended = new(StringComparer.Ordinal);

    /// <summary>Completes once a call of <paramref name="method"/> has started and awaits something inside the grain.</summary>
    public Task Suspended(string method) => Signal(method).Task;

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        // The grain method runs synchronously inside Invoke up to its first await that does not complete at once.
        var invocation = context.Invoke();
        if (!invocation.IsCompleted)
        {
            Signal(context.MethodName).TrySetResult();
        }

        await invocation;
    }

    private TaskCompletionSource Signal(string method) =>
        _suspended.GetOrAdd(method, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}
