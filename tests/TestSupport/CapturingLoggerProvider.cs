using System.Collections.Concurrent;

using Microsoft.Extensions.Logging;

namespace Platform.Testing;

/// <summary>
/// Keeps every log line (message, state, scopes and exception) of every level in memory, to search for leaked secrets
/// and to find the lines of one request by the request id in their scope.
/// </summary>
public sealed class CapturingLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<string> _lines = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public IReadOnlyCollection<string> Lines => _lines;

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(categoryName, _lines, () => _scopes);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }
}
