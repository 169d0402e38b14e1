using System.Collections.Concurrent;

namespace Platform.Silo.Tests.Grains;

/// <summary>
/// Gates and event logs shared between a test and the grains it drives, keyed by grain key (each test uses fresh keys,
/// so tests running in parallel never see each other's entries).
/// </summary>
public static class TestGates
{
    private static readonly ConcurrentDictionary<string, TaskCompletionSource> s_gates = new();
    private static readonly ConcurrentDictionary<string, ConcurrentQueue<string>> s_events = new();

    public static TaskCompletionSource Gate(string key) =>
        s_gates.GetOrAdd(key, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    public static void Record(string key, string what) => s_events.GetOrAdd(key, _ => new()).Enqueue(what);

    public static IReadOnlyList<string> Events(string key) => s_events.TryGetValue(key, out var events) ? [.. events] : [];

    public static string NewKey(string prefix) => $"{prefix}-{Guid.NewGuid():N}";
}
