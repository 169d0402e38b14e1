using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Platform.Silo.Diagnostics;

/// <summary>
/// The silo's instruments, published on the meter <see cref="MeterName"/> for the operator dashboard and OTLP export.
/// Recording is skipped when nobody listens, so the grain-call fast path pays nothing for them.
/// </summary>
public sealed class SiloMetrics : IDisposable
{
    /// <summary>The meter every silo instrument belongs to.</summary>
    public const string MeterName = "Platform.Silo";

    private readonly Meter _meter;

    /// <summary>Creates the instruments on a meter from <paramref name="meterFactory"/>.</summary>
    public SiloMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _meter = meterFactory.Create(MeterName);
        Activations = _meter.CreateUpDownCounter<long>("silo.activations", "{activation}", "Live activations, by grain type.");
        Calls = _meter.CreateCounter<long>("silo.calls", "{call}", "Grain calls, by grain type and method.");
        CallDuration = _meter.CreateHistogram<double>("silo.call.duration", "ms", "Grain call latency from arrival to completion, by grain type and method.");
        QueueLength = _meter.CreateUpDownCounter<long>("silo.queue.length", "{request}", "Requests waiting for their activation's turn.");
        StorageDuration = _meter.CreateHistogram<double>("silo.storage.duration", "ms", "Storage operation latency, by provider and operation.");
        EtagConflicts = _meter.CreateCounter<long>("silo.storage.etag_conflicts", "{conflict}", "Writes refused because another writer changed the state first.");
    }

    /// <summary>Live activations, tagged <c>grain.type</c>.</summary>
    public UpDownCounter<long> Activations { get; }

    /// <summary>Grain calls, tagged <c>grain.type</c> and <c>grain.method</c>.</summary>
    public Counter<long> Calls { get; }

    /// <summary>Grain call latency in milliseconds, tagged <c>grain.type</c> and <c>grain.method</c>.</summary>
    public Histogram<double> CallDuration { get; }

    /// <summary>Requests waiting for a turn, across all activations.</summary>
    public UpDownCounter<long> QueueLength { get; }

    /// <summary>Storage latency in milliseconds, tagged <c>storage.provider</c> and <c>storage.operation</c>.</summary>
    public Histogram<double> StorageDuration { get; }

    /// <summary>ETag conflicts, tagged <c>storage.provider</c>.</summary>
    public Counter<long> EtagConflicts { get; }

    /// <summary>Records one storage operation's latency since <paramref name="startTimestamp"/> (a <see cref="Stopwatch"/> timestamp).</summary>
    public void RecordStorage(string provider, string operation, long startTimestamp)
    {
        if (StorageDuration.Enabled)
        {
            StorageDuration.Record(
                Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds,
                new KeyValuePair<string, object?>("storage.provider", provider),
                new KeyValuePair<string, object?>("storage.operation", operation));
        }
    }

    /// <summary>Counts one ETag conflict.</summary>
    public void RecordEtagConflict(string provider) =>
        EtagConflicts.Add(1, new KeyValuePair<string, object?>("storage.provider", provider));

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}
