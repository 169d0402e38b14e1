using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Platform.Gateway.Security;
using Platform.Silo.Hosting;

namespace Platform.Gateway.Hosting;

/// <summary>
/// The gateway's part of the telemetry the silo sets up (<see cref="TelemetryHostingExtensions"/>): ASP.NET Core's and
/// HttpClient's instruments, request spans when traces are exported, and the operator's Prometheus scrape endpoint.
/// </summary>
internal static class GatewayTelemetryExtensions
{
    /// <summary>Where Prometheus scrapes; an operator's credentials are required, as for every operator route.</summary>
    public const string MetricsPath = "/metrics";

    public static WebApplicationBuilder AddGatewayTelemetry(this WebApplicationBuilder builder)
    {
        var settings = TelemetryHostingExtensions.Settings(builder.Configuration);
        var telemetry = builder.Services.AddOpenTelemetry();

        // Routes are templates (/api/runs/{runId}), so ASP.NET Core's series carry no ids; HttpClient's carry the provider's host.
        telemetry.WithMetrics(meters =>
        {
            meters.AddAspNetCoreInstrumentation().AddHttpClientInstrumentation();
            if (settings.Prometheus)
            {
                // No cached scrape: a scrape reads counters the SDK keeps anyway, and a cached one would show an operator
                // figures older than the calls just made.
                meters.AddPrometheusExporter(static prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0);
            }
        });
        if (TelemetryHostingExtensions.TracesExported(builder.Configuration))
        {
            // Probes and scrapes every few seconds would bury the requests worth reading.
            telemetry.WithTracing(traces => traces.AddAspNetCoreInstrumentation(options =>
                options.Filter = static context => !IsHousekeeping(context.Request.Path)));
        }

        return builder;
    }

    public static WebApplication MapGatewayTelemetry(this WebApplication app)
    {
        if (TelemetryHostingExtensions.Settings(app.Configuration).Prometheus)
        {
            app.MapPrometheusScrapingEndpoint(MetricsPath).RequireAuthorization(PlatformPolicies.Operator);
        }

        return app;
    }

    private static bool IsHousekeeping(PathString path) =>
        path.StartsWithSegments("/healthz", StringComparison.Ordinal)
        || path.StartsWithSegments("/readyz", StringComparison.Ordinal)
        || path.StartsWithSegments(MetricsPath, StringComparison.Ordinal);

}
