using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Platform.Grains.Diagnostics;
using Platform.Silo.Diagnostics;

namespace Platform.Silo.Hosting;

/// <summary>
/// The OpenTelemetry SDK in a platform host: the platform's meters, the storage providers', Orleans' and the .NET
/// runtime's, always collected (for the gateway's operator-only <c>/metrics</c>); traces of Orleans' grain calls and
/// whatever the host adds, and an OTLP push of both, only when <c>Platform:Telemetry:OtlpEndpoint</c> names a collector.
/// </summary>
public static class TelemetryHostingExtensions
{
    /// <summary>Orleans' meter and activity sources (see Orleans' <c>Diagnostics</c> sources in dotnet/orleans).</summary>
    private const string OrleansMeter = "Microsoft.Orleans";

    private static readonly string[] s_orleansSources = ["Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application"];

    /// <summary>
    /// Registers the SDK. A host adds its own instrumentation with <c>AddOpenTelemetry()</c> afterwards (the gateway:
    /// ASP.NET Core, HttpClient, the Prometheus exporter), tracing only when <see cref="TracesExported"/>.
    /// </summary>
    public static IHostApplicationBuilder AddPlatformTelemetry(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        // Read once here: whether traces exist at all decides what is registered. The same section is validated at start,
        // which stops a host whose settings are unusable; until then they export nothing.
        var settings = Settings(builder.Configuration);
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(settings.ServiceName, serviceInstanceId: Environment.MachineName + ":" + Environment.ProcessId));
        telemetry.WithMetrics(meters =>
        {
            meters.AddMeter(PlatformMetrics.MeterName, SiloMetrics.MeterName, OrleansMeter).AddRuntimeInstrumentation();
            if (settings.ExportsOtlp)
            {
                meters.AddOtlpExporter(otlp => Configure(otlp, settings, "v1/metrics"));
            }
        });

        if (settings.ExportsOtlp)
        {
            telemetry.WithTracing(traces =>
            {
                traces.AddSource(s_orleansSources);
                if (!settings.WorkspaceLabel)
                {
                    traces.AddProcessor(new TraceRedactionProcessor());
                }

                traces.AddOtlpExporter(otlp => Configure(otlp, settings, "v1/traces"));
            });
        }

        return builder;
    }

    /// <summary>Whether grain calls should carry trace context: only when traces leave the process, since it costs on every call.</summary>
    public static bool TracesExported(IConfiguration configuration) => Settings(configuration).ExportsOtlp;

    /// <summary>The section as bound, or the defaults when it cannot be (start-up validation then says why).</summary>
    public static TelemetryOptions Settings(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        try
        {
            return configuration.GetSection(TelemetryOptions.SectionName).Get<TelemetryOptions>() ?? new TelemetryOptions();
        }
        catch (InvalidOperationException)
        {
            return new TelemetryOptions();
        }
    }

    private static void Configure(OtlpExporterOptions otlp, TelemetryOptions settings, string signalPath)
    {
        var http = settings.OtlpProtocol == "http";
        otlp.Protocol = http ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;

        // Over HTTP each signal has its own path under the collector's base URL; gRPC takes the base URL as it is.
        var endpoint = settings.OtlpEndpoint!;
        otlp.Endpoint = http ? new Uri(endpoint.AbsoluteUri.EndsWith('/') ? endpoint : new Uri(endpoint.AbsoluteUri + "/"), signalPath) : endpoint;
    }
}
