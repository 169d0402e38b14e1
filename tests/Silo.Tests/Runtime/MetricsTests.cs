using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Platform.Silo.Diagnostics;
using Platform.Silo.Storage;
using Platform.Silo.Tests.Grains;
using Platform.Testing;

namespace Platform.Silo.Tests.Runtime;

public sealed class MetricsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("silo-metrics-").FullName;

    [Fact]
    public async Task Calls_activations_queueing_storage_and_etag_conflicts_are_measured_by_grain_type_and_method()
    {
        var measurements = new ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)>();
        await using var nodeA = await SiloTestHost.StartAsync(typeof(MetricsTests).Assembly, Store);
        await using var nodeB = await SiloTestHost.StartAsync(typeof(MetricsTests).Assembly, Store);
        var meter = nodeB.Services.GetRequiredService<SiloMetrics>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == SiloMetrics.MeterName && ReferenceEquals(instrument.Meter, meter.Calls.Meter))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => measurements.Enqueue((i.Name, v, ToDictionary(tags))));
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => measurements.Enqueue((i.Name, v, ToDictionary(tags))));
        listener.Start();

        var key = TestGates.NewKey("metered");
        var onB = nodeB.Grains.GetGrain<ICounterGrain>(key);
        await onB.GetAsync();
        await nodeA.Grains.GetGrain<ICounterGrain>(key).IncrementAsync();
        await Assert.ThrowsAsync<InconsistentStateException>(onB.IncrementAsync);
        var gated = TestGates.NewKey("queued");
        var order = nodeB.Grains.GetGrain<IOrderGrain>(gated);
        var first = order.AppendAfterGateAsync(1);
        var second = order.AppendAsync(2);
        TestGates.Gate(gated).SetResult();
        await Task.WhenAll(first, second);

        var all = measurements.ToArray();
        Assert.Contains(all, m => m.Instrument == "silo.activations" && m.Value == 1 && Equals(m.Tags["grain.type"], "counter"));
        Assert.Contains(all, m => m.Instrument == "silo.calls" && Equals(m.Tags["grain.method"], "ICounterGrain.GetAsync") && Equals(m.Tags["grain.type"], "counter"));
        Assert.Contains(all, m => m.Instrument == "silo.call.duration" && Equals(m.Tags["grain.method"], "ICounterGrain.IncrementAsync"));
        Assert.Contains(all, m => m.Instrument == "silo.queue.length" && m.Value == 1);
        Assert.Contains(all, m => m.Instrument == "silo.storage.duration" && Equals(m.Tags["storage.provider"], "sqlite"));
        Assert.Contains(all, m => m.Instrument == "silo.storage.etag_conflicts");
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private void Store(IServiceCollection services) => services.AddSqliteGrainStorage(o => o.DataDirectory = _directory);

    private static Dictionary<string, object?> ToDictionary(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var result = new Dictionary<string, object?>();
        foreach (var tag in tags)
        {
            result[tag.Key] = tag.Value;
        }

        return result;
    }
}
