using Microsoft.Extensions.Diagnostics.HealthChecks;
using Platform.Silo;
using Platform.Silo.Storage;

namespace Platform.Gateway.Hosting;

/// <summary>Ready only while grain storage answers a read; a stopped PostgreSQL makes the gateway unready, not dead.</summary>
internal sealed class GrainStorageHealthCheck(IGrainStorage storage) : IHealthCheck
{
    private static readonly GrainId s_probe = new("health", "probe");

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await storage.ReadAsync(s_probe, "probe", cancellationToken);
            return HealthCheckResult.Healthy($"{storage.ProviderName} storage answers.");
        }
        catch (StorageUnavailableException exception)
        {
            return HealthCheckResult.Unhealthy($"{storage.ProviderName} storage is unavailable.", exception);
        }
    }
}
