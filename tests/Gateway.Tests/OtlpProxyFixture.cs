using Microsoft.AspNetCore.Http;

using Platform.Testing;

namespace Platform.Gateway.Tests;

/// <summary>
/// The proxy gateway on SQLite pushing its telemetry over OTLP (protobuf over HTTP) to a receiver on loopback that
/// records what arrives, with the SDK's export intervals shortened so a test sees its calls within a second or two.
/// </summary>
public sealed class OtlpProxyFixture : ProxyFixture
{
    public LoopbackWebServer Collector { get; private set; } = null!;

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Collector.DisposeAsync();
    }

    protected override async Task<IReadOnlyDictionary<string, string?>> StoreSettingsAsync()
    {
        // An empty ExportTraceServiceResponse (or metrics response) is a valid protobuf message: success, nothing rejected.
        Collector = await LoopbackWebServer.StartAsync(static _ => Results.Bytes([], "application/x-protobuf"));
        return new Dictionary<string, string?>
        {
            ["Platform:Telemetry:OtlpEndpoint"] = Collector.Address.AbsoluteUri,
            ["Platform:Telemetry:OtlpProtocol"] = "http",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",

            // The SDK hears the Orleans spans of every silo in this test process, not only this gateway's; a queue of the
            // default 2,048 spans overflows under the whole suite and drops some of this test's.
            ["OTEL_BSP_MAX_QUEUE_SIZE"] = "262144",
        };
    }
}
