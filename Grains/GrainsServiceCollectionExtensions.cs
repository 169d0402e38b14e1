using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Platform.Grains.Isolation;
using Platform.Silo.Isolation;
using Platform.Grains.Approvals;
using Platform.Grains.Events;
using Platform.Grains.Models;
using Platform.Grains.Runs;
using Platform.Grains.Workspaces;
using Platform.Grains.Diagnostics;

namespace Platform.Grains;

/// <summary>The services the platform's grains need beyond the silo's own.</summary>
public static class GrainsServiceCollectionExtensions
{
    /// <summary>
    /// Registers defaults that let every grain activate in any host: no-op events (a bus registered with
    /// <see cref="PlatformEventsServiceCollectionExtensions.AddPlatformEvents"/> replaces them) and the notifier that wakes
    /// a run when its approval is decided, and the process's copy of the model catalogue. <c>TryAdd</c>, so whatever a host registered first wins.
    /// </summary>
    public static IServiceCollection AddPlatformGrains(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddLogging();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IPlatformEvents, NullPlatformEvents>();
        services.TryAddSingleton<IApprovalNotifier, RunApprovalNotifier>();
        services.TryAddSingleton<ModelCatalogCache>();
        services.AddOptions<KeyCacheOptions>().BindConfiguration(KeyCacheOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<KeyCacheOptions>, KeyCacheOptionsValidator>());
        services.TryAddSingleton<KeyAuthenticationCache>();

        // Each silo has its own caches (prices, key checks); the grains that own them reach the others' through these.
        if (!services.Any(static d => d.ServiceType == typeof(ModelCatalogCacheClient)))
        {
            services.AddGrainService<ModelCatalogCacheService>();
            services.AddSingleton<ModelCatalogCacheClient>();
            services.AddGrainService<KeyCheckCacheService>();
            services.AddSingleton<KeyCheckCacheClient>();
        }
        services.TryAddSingleton<ITenantIsolation, WorkspaceTenantIsolation>();
        services.AddMetrics();
        services.AddOptions<TelemetryOptions>().BindConfiguration(TelemetryOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TelemetryOptions>, TelemetryOptionsValidator>());
        services.TryAddSingleton<PlatformMetrics>();
        return services;
    }
}
