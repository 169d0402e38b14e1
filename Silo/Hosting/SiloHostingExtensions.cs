using System.Net;

using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Serialization;
using Platform.Silo.Isolation;
using Platform.Silo.Journal;
using Platform.Silo.Membership;
using Platform.Silo.Storage;

namespace Platform.Silo.Hosting;

/// <summary>Configures an Orleans silo the way the platform runs it.</summary>
public static class SiloHostingExtensions
{
    /// <summary>
    /// Everything the platform's silo needs except where its cluster lives: options from section <c>Silo</c> (validated
    /// at start) mapped onto Orleans' own, the store named by <c>Silo:Storage</c> for grain state, reminders and the
    /// journal, the schema created before anything activates, and call-chain reentrancy between grains. Every silo of a
    /// deployment, and of a test cluster, calls this.
    /// </summary>
    public static ISiloBuilder AddPlatformRuntime(this ISiloBuilder silo, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(configuration);
        var services = silo.Services;
        services.AddOptions<SiloOptions>()
            .Bind(configuration.GetSection(SiloOptions.SectionName))
            .Validate(o => o.CollectionQuantum <= o.CollectionAge, "Silo:CollectionQuantum must not exceed Silo:CollectionAge.")
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SiloOptions>, SiloOptionsValidator>());
        services.AddOptions<SiloMessagingOptions>().Configure<IOptions<SiloOptions>>(static (messaging, platform) => messaging.ResponseTimeout = platform.Value.CallTimeout);
        services.AddOptions<GrainCollectionOptions>().Configure<IOptions<SiloOptions>>(static (collection, platform) =>
        {
            collection.CollectionAge = platform.Value.CollectionAge;
            collection.CollectionQuantum = platform.Value.CollectionQuantum;
            collection.DeactivationTimeout = platform.Value.DeactivationTimeout;
        });
        services.AddOptions<ReminderOptions>().Configure<IOptions<SiloOptions>>(static (reminders, platform) => reminders.MinimumReminderPeriod = platform.Value.MinimumReminderPeriod);
        services.AddOptions<HostOptions>().Configure<IOptions<SiloOptions>>(static (host, platform) => host.ShutdownTimeout = platform.Value.ShutdownTimeout);

        services.MemoizeGrainInterfaceTypes();
        silo.AddReminders();
        silo.AddOutgoingGrainCallFilter<CallChainReentrancyFilter>();

        // Isolation by the runtime as well as by the gateway's routes; the product says which grains belong to whom.
        silo.AddIncomingGrainCallFilter<TenantCallFilter>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, StorageStartup>();
        return silo.UseConfiguredStorage(configuration);
    }

    /// <summary>
    /// Joins the cluster <c>Silo:Clustering</c> names: <see cref="UseSingleNodeClustering"/> (the default) or
    /// <see cref="UsePostgresClustering"/>. A cluster's silos must share their state, so <c>postgres</c> membership
    /// needs <c>Silo:Storage=postgres</c>; anything else stops the host before it starts, saying what is accepted.
    /// </summary>
    public static ISiloBuilder UseConfiguredClustering(this ISiloBuilder silo, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(configuration);
        var clustering = configuration["Silo:Clustering"] ?? "single";
        switch (clustering)
        {
            case "single" when configuration.GetValue<bool>("Silo:Kubernetes"):
                throw new InvalidOperationException("Silo:Kubernetes is true but Silo:Clustering is 'single': pods of a deployment form a cluster, so set Silo:Clustering to 'postgres'.");
            case "single":
                return silo.UseSingleNodeClustering(configuration);
            case "postgres":
                var storage = configuration["Silo:Storage"] ?? "sqlite";
                if (storage.ToLowerInvariant() is not ("postgres" or "postgresql"))
                {
                    throw new InvalidOperationException($"Silo:Clustering is 'postgres' but Silo:Storage is '{storage}': the silos of a cluster share their state, so set Silo:Storage to 'postgres' as well.");
                }

                return silo.UsePostgresClustering(configuration);
            default:
                throw new InvalidOperationException($"Silo:Clustering is '{clustering}'; use 'single' or 'postgres'.");
        }
    }

    /// <summary>
    /// A silo of a cluster whose membership is in PostgreSQL (<c>Silo:Postgres</c>): the ServiceId and ClusterId of
    /// <c>Silo</c>, advertising <c>Silo:AdvertisedAddress</c> at <c>Silo:SiloPort</c> and <c>Silo:GatewayPort</c>
    /// (listening on every address, or on loopback alone when that is what it advertises), named <c>Silo:NodeName</c>.
    /// </summary>
    public static ISiloBuilder UsePostgresClustering(this ISiloBuilder silo, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(configuration);
        var options = configuration.GetSection(SiloOptions.SectionName).Get<SiloOptions>() ?? new SiloOptions();
        silo.Configure<ClusterOptions>(cluster =>
        {
            cluster.ClusterId = options.ClusterId;
            cluster.ServiceId = options.ServiceId;
        });
        if (options.AdvertisedAddress.Length > 0 && !IPAddress.TryParse(options.AdvertisedAddress, out _))
        {
            throw new InvalidOperationException($"Silo:AdvertisedAddress is '{options.AdvertisedAddress}'; use an IPv4 or IPv6 address, or leave it empty for this machine's first non-loopback address.");
        }

        if (IPAddress.TryParse(options.AdvertisedAddress, out var advertised))
        {
            // A node on loopback (several on one machine, as the fault tests run them) listens there alone.
            silo.ConfigureEndpoints(advertised, options.SiloPort, options.GatewayPort, listenOnAnyHostAddress: !IPAddress.IsLoopback(advertised));
        }
        else
        {
            silo.ConfigureEndpoints(options.SiloPort, options.GatewayPort, listenOnAnyHostAddress: true);
        }

        if (options.NodeName.Length > 0)
        {
            silo.Configure<Orleans.Configuration.SiloOptions>(orleans => orleans.SiloName = options.NodeName);
        }

        silo.Services.AddPostgresMembership();
        if (options.Kubernetes)
        {
            // After the platform's own settings, so the pod's identity (POD_NAME, POD_IP, ORLEANS_CLUSTER_ID) wins.
            silo.UseKubernetesHosting();
        }

        return silo;
    }

    /// <summary>
    /// One silo on this machine (the embedded default): membership in memory, the ServiceId and ClusterId pinned so
    /// state and reminders written by one start are found by the next, ports from <c>Silo:SiloPort</c> and <c>Silo:GatewayPort</c>.
    /// </summary>
    public static ISiloBuilder UseSingleNodeClustering(this ISiloBuilder silo, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(configuration);
        var options = configuration.GetSection(SiloOptions.SectionName).Get<SiloOptions>() ?? new SiloOptions();
        return silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort, serviceId: options.ServiceId, clusterId: options.ClusterId);
    }

    /// <summary>
    /// Chooses the store named by configuration <c>Silo:Storage</c>: <c>sqlite</c> (the default: one file, no server),
    /// <c>postgres</c>, or <c>azure</c> (Orleans' Azure Table providers; the journal stays in SQLite). A host that
    /// registered a store itself (a test over a store it set up; every store registers the journal) keeps it:
    /// configuration chooses only when nothing did, so no second store, and no default SQLite file, is opened beside it.
    /// Registering only a decorated grain state store still leaves the choice to configuration.
    /// </summary>
    public static ISiloBuilder UseConfiguredStorage(this ISiloBuilder silo, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(configuration);
        if (silo.Services.Any(static d => d.ServiceType == typeof(IJournalStorage)))
        {
            return silo;
        }

        var provider = configuration["Silo:Storage"] ?? "sqlite";
        switch (provider.ToLowerInvariant())
        {
            case "sqlite":
                silo.Services.AddSqliteGrainStorage();
                break;
            case "postgres" or "postgresql":
                silo.Services.AddPostgresGrainStorage();
                break;
            case "azure":
                silo.UseAzureStorage(configuration);
                break;
            default:
                throw new InvalidOperationException($"Silo:Storage is '{provider}'; use 'sqlite', 'postgres' or 'azure'.");
        }

        return silo;
    }

    private static void UseAzureStorage(this ISiloBuilder silo, IConfiguration configuration)
    {
        silo.Services.AddOptions<AzureStorageOptions>().BindConfiguration(AzureStorageOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        var azure = configuration.GetSection(AzureStorageOptions.SectionName).Get<AzureStorageOptions>() ?? new AzureStorageOptions();
        silo.AddAzureTableGrainStorageAsDefault(options =>
        {
            options.TableName = azure.StateTable;
            // JSON without CLR type names, like the project's own stores: a renamed state class still reads.
            options.GrainStorageSerializer = new SystemTextJsonGrainStorageSerializer(Options.Create(new SystemTextJsonGrainStorageSerializerOptions()));
            if (azure.ConnectionString.Length > 0)
            {
                options.TableServiceClient = new TableServiceClient(azure.ConnectionString);
            }
        });
        silo.UseAzureTableReminderService(options =>
        {
            options.TableName = azure.ReminderTable;
            if (azure.ConnectionString.Length > 0)
            {
                options.TableServiceClient = new TableServiceClient(azure.ConnectionString);
            }
        });
        silo.Services.AddSqliteJournal();
    }
}
