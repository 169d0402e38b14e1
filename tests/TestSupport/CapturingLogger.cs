using System.Collections.Concurrent;
using System.Text;

using Microsoft.Extensions.Logging;

namespace Platform.Testing;

/// <summary>One category of <see cref="CapturingLoggerProvider"/>; each line ends with its scopes' values (<c>scope:RequestId=…</c>).</summary>
public sealed class CapturingLogger(string category, ConcurrentQueue<string> lines, Func<IExternalScopeProvider>? scopes = null) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => scopes?.Invoke().Push(state);

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(";", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
        var scope = new StringBuilder();
        scopes?.Invoke().ForEachScope(
            static (value, builder) =>
            {
                if (value is IEnumerable<KeyValuePair<string, object?>> scopePairs)
                {
                    foreach (var (key, item) in scopePairs)
                    {
                        builder.Append(" scope:").Append(key).Append('=').Append(item);
                    }
                }
            },
            scope);
        lines.Enqueue($"{logLevel} {category} [{eventId.Id}] {formatter(state, exception)} {values} {exception}{scope}");
    }
}
