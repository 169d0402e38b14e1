using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

using Platform.Silo.Diagnostics;
using Platform.Silo.Journal;
using Platform.Silo.Reminders;

namespace Platform.Silo.Storage;

/// <summary>Registers a grain storage provider with its reminder table, journal and schema initializers.</summary>
public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Stores grain state, reminders and journal streams (<see cref="IJournalStorage"/>) in one SQLite file, configured from <c>Silo:Sqlite</c> and then
    /// <paramref name="configure"/>; the options are validated when the host starts.
    /// </summary>
    public static IServiceCollection AddSqliteGrainStorage(this IServiceCollection services, Action<SqliteStorageOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        AddCommon(services);
        var options = services.AddOptions<SqliteStorageOptions>().BindConfiguration("Silo:Sqlite").ValidateDataAnnotations().ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton<SqliteDatabase>();
        services.TryAddSingleton<SqliteGrainStorage>();
        services.TryAddSingleton<SqliteReminderTable>();
        services.TryAddSingleton<SqliteJournalStorage>();
        services.AddSingleton<IGrainStorage>(static sp => sp.GetRequiredService<SqliteGrainStorage>());
        services.AddSingleton<IReminderTable>(static sp => sp.GetRequiredService<SqliteReminderTable>());
        services.AddSingleton<IJournalStorage>(static sp => sp.GetRequiredService<SqliteJournalStorage>());
        services.AddSingleton<IStorageInitializer>(static sp => sp.GetRequiredService<SqliteGrainStorage>());
        services.AddSingleton<IStorageInitializer>(static sp => sp.GetRequiredService<SqliteReminderTable>());
        services.AddSingleton<IStorageInitializer>(static sp => sp.GetRequiredService<SqliteJournalStorage>());
        return services;
    }

    /// <summary>
    /// Stores grain state, reminders and journal streams (<see cref="IJournalStorage"/>) in PostgreSQL, configured from <c>Silo:Postgres</c> and then
    /// <paramref name="configure"/>; the options are validated when the host starts.
    /// </summary>
    public static IServiceCollection AddPostgresGrainStorage(this IServiceCollection services, Action<PostgresStorageOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        AddCommon(services);
        var options = services.AddOptions<PostgresStorageOptions>().BindConfiguration("Silo:Postgres").ValidateDataAnnotations().ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton<PostgresDatabase>();
        services.TryAddSingleton<PostgresGrainStorage>();
        services.TryAddSingleton<PostgresReminderTable>();
        services.TryAddSingleton<PostgresJournalStorage>();
        services.AddSingleton<IGrainStorage>(static sp => sp.GetRequiredService<PostgresGrainStorage>());
        services.AddSingleton<IReminderTable>(static sp => sp.GetRequiredService<PostgresReminderTable>());
        services.AddSingleton<IJournalStorage>(static sp => sp.GetRequiredService<PostgresJournalStorage>());
        services.AddSingleton<IStorageInitializer>(static sp => sp.GetRequiredService<PostgresGrainStorage>());
        services.AddSingleton<IStorageInitializer>(static sp => sp.GetRequiredService<PostgresReminderTable>());
        services.AddSingleton<IStorageInitializer>(static sp => sp.GetRequiredService<PostgresJournalStorage>());
        return services;
    }

    private static void AddCommon(IServiceCollection services)
    {
        services.AddLogging();
        services.AddMetrics();
        services.TryAddSingleton<SiloMetrics>();
    }
}
