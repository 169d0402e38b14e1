using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Platform.Grains;
using Platform.Grains.Budget;
using Platform.Grains.Events;
using Platform.Grains.Runs;
using Platform.Grains.Security;

namespace Platform.Silo.Hosting;

/// <summary>The platform's silo in a host: the silo alone (<c>dotnet run --project Silo</c>) or co-hosted in the gateway.</summary>
public static class PlatformSiloHostingExtensions
{
    /// <summary>
    /// Runs a silo of the platform in this host: the clustering <c>Silo:Clustering</c> names (single-node by default), the runtime's settings
    /// and storage, and everything the platform's grains need (encryption keys, models and tools, events, budgets).
    /// </summary>
    public static IHostApplicationBuilder AddPlatformSilo(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        // One setting moves all local data: the SQLite file follows Platform:DataDirectory unless placed on its own.
        if (string.IsNullOrEmpty(builder.Configuration["Silo:Sqlite:DataDirectory"]) && builder.Configuration["Platform:DataDirectory"] is { Length: > 0 } dataDirectory)
        {
            builder.Configuration["Silo:Sqlite:DataDirectory"] = dataDirectory;
        }

        builder.UseOrleans(silo =>
        {
            silo.UseConfiguredClustering(builder.Configuration).AddPlatformRuntime(builder.Configuration);
            if (TelemetryHostingExtensions.TracesExported(builder.Configuration))
            {
                silo.AddActivityPropagation();
            }
        });
        builder.AddPlatformTelemetry();
        builder.Services.AddPlatformGrains();
        builder.Services.AddWorkspaceEncryption(builder.Configuration);
        builder.Services.AddPlatformModelsAndTools(builder.Configuration);
        builder.Services.AddPlatformEvents(builder.Configuration);
        builder.Services.AddBudget();
        builder.Services.AddOptions<RunOptions>()
            .BindConfiguration(RunOptions.SectionName)
            .Validate<IOptions<SiloOptions>>(
                static (runs, silo) => runs.ResumeInterval >= silo.Value.MinimumReminderPeriod,
                "Platform:Runs:ResumeInterval must be at least Silo:MinimumReminderPeriod: runs resume through an Orleans reminder, which refuses a shorter period.")
            .ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RunOptions>, RunOptionsValidator>());
        builder.Services.AddOptions<RunIndexOptions>().BindConfiguration(RunIndexOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        return builder;
    }
}
