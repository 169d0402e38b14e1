using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

using Orleans.Providers;

using Platform.Silo.Diagnostics;
using Platform.Silo.Journal;
using Platform.Silo.Reminders;

namespace Platform.Silo.Storage;

/// <summary>Registers the project's stores: grain state (as Orleans' default grain storage), reminders (as Orleans' reminder table) and the journal.</summary>
public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Stores grain state, reminders and journal streams (<see cref="IJournalStorage"/>) in one SQLite file, configured from <c>Silo:Sqlite</c> and then
    /// <paramref name="configure"/>; the options are validated when the host starts.
    /// </summary>
    public static IServiceCollection AddSqliteGrainStorage(this IServiceCollection services, Action<SqliteStorageOptions>? configure = null)
    {
        AddSqliteJournal(services, configure);
        services.TryAddSingleton<SqliteGrainStorage>();
        services.TryAddSingleton<SqliteReminderTable>();
        AddStateAndReminders<SqliteGrainStorage, SqliteReminderTable>(services);
        return services;
    }

    /// <summary>
    /// Keeps only the journal (audit chains, budget ledgers) in the SQLite file: for deployments whose grain state and
    /// reminders live in a store Orleans provides (Azure Table storage).
    /// </summary>
    public static IServiceCollection AddSqliteJournal(this IServiceCollection services, Action<SqliteStorageOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        AddCommon(services);
        var options = services.AddOptions<SqliteStorageOptions>().BindConfiguration("Silo:Sqlite").ValidateDataAnnotations().ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton<SqliteDatabase>();
        services.TryAddSingleton<SqliteJournalStorage>();
        services.TryAddSingleton<IJournalStorage>(static sp => sp.GetRequiredService<SqliteJournalStorage>());
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
        AddPostgresDatabase(services);
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddSingleton<PostgresGrainStorage>();
        services.TryAddSingleton<PostgresReminderTable>();
        services.TryAddSingleton<PostgresJournalStorage>();
        services.TryAddSingleton<IJournalStorage>(static sp => sp.GetRequiredService<PostgresJournalStorage>());
        services.AddSingleton<IStorageInitializer>(static sp => sp.GetRequiredService<PostgresJournalStorage>());
        AddStateAndReminders<PostgresGrainStorage, PostgresReminderTable>(services);
        return services;
    }

    /// <summary>
    /// The one PostgreSQL database of a node (<c>Silo:Postgres</c>, validated at start), shared by whatever keeps data
    /// there: grain state, reminders, the journal, membership. Registering it twice changes nothing.
    /// </summary>
    internal static void AddPostgresDatabase(IServiceCollection services)
    {
        if (services.Any(static d => d.ServiceType == typeof(PostgresDatabase)))
        {
            return;
        }

        services.AddOptions<PostgresStorageOptions>().BindConfiguration("Silo:Postgres").ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IPostConfigureOptions<PostgresStorageOptions>, PostgresConnectionStringFile>();
        services.AddSingleton<PostgresDatabase>();
    }

    private static void AddStateAndReminders<TStore, TReminders>(IServiceCollection services)
        where TStore : class, IGrainStateStore, IStorageInitializer
        where TReminders : class, IReminderTable, IStorageInitializer
    {
        services.TryAddSingleton<IGrainStateStore>(static sp => sp.GetRequiredService<TStore>());
        services.AddSingleton<IStorageInitializer>(static sp => sp.GetRequiredService<TStore>());
        services.AddSingleton<IStorageInitializer>(static sp => sp.GetRequiredService<TReminders>());

        // Orleans takes the unnamed IGrainStorage for every [PersistentState] that names no provider, and the one
        // named "Default" where a name is looked up (as its own providers register themselves "as default").
        services.TryAddKeyedSingleton<IGrainStorage>(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, static (sp, _) => new JsonGrainStorage(sp.GetRequiredService<IGrainStateStore>(), sp.GetRequiredService<IGrainContextAccessor>()));
        services.TryAddSingleton(static sp => sp.GetRequiredKeyedService<IGrainStorage>(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME));
        services.TryAddSingleton<IReminderTable>(static sp => sp.GetRequiredService<TReminders>());
    }

    private static void AddCommon(IServiceCollection services)
    {
        services.AddLogging();
        services.AddMetrics();
        services.TryAddSingleton<SiloMetrics>();
    }
}
