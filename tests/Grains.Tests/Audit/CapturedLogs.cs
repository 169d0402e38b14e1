using System.Collections.Concurrent;

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Platform.Grains.Tests.Audit;

/// <summary>
/// Keeps every log message of one silo from Information up (the test host otherwise logs warnings only), so a test can
/// wait for the runtime to say it did something (collected an activation) and check what a grain chose to log.
/// </summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<(string Category, LogLevel Level, EventId EventId, string Message, Exception? Exception)> _entries = new();

    /// <summary>Everything logged so far, oldest first.</summary>
    public IReadOnlyList<(string Category, LogLevel Level, EventId EventId, string Message, Exception? Exception)> Entries => [.. _entries];

    /// <summary>Adds this provider to <paramref name="services"/>' logging.</summary>
    public void AddTo(IServiceCollection services) =>
        services.AddLogging(logging => logging.AddProvider(this).AddFilter<CapturedLogs>(null, LogLevel.Information));

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._entries.Enqueue((category, logLevel, eventId, formatter(state, exception), exception));
    }
}
