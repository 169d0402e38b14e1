using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Platform.Silo.Diagnostics;

/// <summary>
/// The storage providers' instruments, published on the meter <see cref="MeterName"/> beside Orleans' own (grain calls,
/// activations, queues). Recording is skipped when nobody listens, so a write pays nothing for them.
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
        StorageDuration = _meter.CreateHistogram<double>("silo.storage.duration", "ms", "Storage operation latency, by provider and operation.");
        EtagConflicts = _meter.CreateCounter<long>("silo.storage.etag_conflicts", "{conflict}", "Writes refused because another writer changed the state first.");
    }

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
