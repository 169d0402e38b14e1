using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Providers;
using Orleans.Storage;

namespace Platform.Gateway.Hosting;

/// <summary>
/// Ready only while grain storage answers a read (of a record nobody writes); a stopped PostgreSQL or storage account
/// makes the gateway unready, not dead. It asks the storage Orleans' grains use, whichever <c>Silo:Storage</c> chose.
/// </summary>
internal sealed class GrainStorageHealthCheck(
    [FromKeyedServices(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME)] IGrainStorage storage,
    IConfiguration configuration) : IHealthCheck
{
    private static readonly GrainId s_probe = GrainId.Create("health", "probe");

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var provider = configuration["Silo:Storage"] ?? "sqlite";
        try
        {
            await storage.ReadStateAsync("probe", s_probe, new GrainState<object>(), cancellationToken);
            return HealthCheckResult.Healthy($"{provider} storage answers.");
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"{provider} storage is unavailable.", exception);
        }
    }
}
