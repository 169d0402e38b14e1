using Microsoft.Extensions.Diagnostics.HealthChecks;
using Platform.Grains;
using Platform.Silo.Hosting;

namespace Platform.Gateway.Hosting;

/// <summary>Wires the gateway: the silo with the platform's grains, storage chosen by configuration, health checks.</summary>
internal static class PlatformHostingExtensions
{
    public static WebApplicationBuilder AddPlatform(this WebApplicationBuilder builder)
    {
        builder.UseSilo(silo => silo
            .AddGrains(typeof(GrainsAssembly).Assembly)
            .UseConfiguredStorage(builder.Configuration));
        builder.Services.AddProblemDetails();
        builder.Services.AddHealthChecks()
            .AddCheck<GrainStorageHealthCheck>("grain-storage", HealthStatus.Unhealthy, ["ready"]);
        return builder;
    }

    public static WebApplication MapPlatform(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();

        // Liveness: the process and its silo answer. Readiness: storage answers too.
        app.MapHealthChecks("/healthz", new() { Predicate = _ => false });
        app.MapHealthChecks("/readyz", new() { Predicate = check => check.Tags.Contains("ready") });
        return app;
    }
}
