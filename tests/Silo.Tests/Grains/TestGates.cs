using System.Collections.Concurrent;

namespace Platform.Silo.Tests.Grains;

/// <summary>
/// What test grains and tests share inside the one process the in-process cluster runs in: gates a grain waits on
/// (so a test holds a turn open) and the events each grain records, both by grain key. Keys are unique per test.
/// </summary>
internal static class TestGates
{
    private static readonly ConcurrentDictionary<string, TaskCompletionSource> s_gates = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, ConcurrentQueue<string>> s_events = new(StringComparer.Ordinal);

    public static string NewKey(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    public static TaskCompletionSource Gate(string key) => s_gates.GetOrAdd(key, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    public static void Record(string key, string @event) => s_events.GetOrAdd(key, static _ => new ConcurrentQueue<string>()).Enqueue(@event);

    public static IReadOnlyList<string> Events(string key) => s_events.TryGetValue(key, out var events) ? [.. events] : [];
}
