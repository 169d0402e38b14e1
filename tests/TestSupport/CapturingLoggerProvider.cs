using System.Collections.Concurrent;

using Microsoft.Extensions.Logging;

namespace Platform.Testing;

/// <summary>Keeps every log line (message, state and exception) of every level in memory, to search for leaked secrets.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(categoryName, _lines);

    public void Dispose()
    {
    }
}
