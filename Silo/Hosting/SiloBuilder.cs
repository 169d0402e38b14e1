using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Platform.Silo.Runtime;
using Platform.Silo.Storage;

namespace Platform.Silo.Hosting;

/// <summary>Configures a silo: which grains it hosts and where their state lives.</summary>
public sealed class SiloBuilder
{
    private readonly HashSet<Type> _grainClasses = [];

    internal SiloBuilder(IServiceCollection services) => Services = services;

    /// <summary>The host's services, for storage providers and grain dependencies.</summary>
    public IServiceCollection Services { get; }

    internal IReadOnlyCollection<Type> GrainClasses => _grainClasses;

    /// <summary>Hosts every concrete <see cref="Grain"/> class in <paramref name="assembly"/>.</summary>
    public SiloBuilder AddGrains(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        _grainClasses.UnionWith(GrainTypeRegistry.GrainClassesIn(assembly));
        return this;
    }

    /// <summary>Keeps grain state and reminders in a SQLite file under the data directory: the embedded default.</summary>
    public SiloBuilder UseSqliteStorage(Action<SqliteStorageOptions>? configure = null)
    {
        Services.AddSqliteGrainStorage(configure);
        return this;
    }

    /// <summary>Keeps grain state and reminders in PostgreSQL: the production store when the platform spans machines.</summary>
    public SiloBuilder UsePostgresStorage(Action<PostgresStorageOptions>? configure = null)
    {
        Services.AddPostgresGrainStorage(configure);
        return this;
    }

    /// <summary>
    /// Chooses the storage provider named by configuration <c>Silo:Storage</c> (<c>sqlite</c>, the default, or
    /// <c>postgres</c>), so an operator switches stores with one setting.
    /// </summary>
    public SiloBuilder UseConfiguredStorage(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var provider = configuration["Silo:Storage"] ?? "sqlite";
        return provider.ToLowerInvariant() switch
        {
            "sqlite" => UseSqliteStorage(),
            "postgres" or "postgresql" => UsePostgresStorage(),
            _ => throw new InvalidOperationException($"Silo:Storage is '{provider}'; use 'sqlite' or 'postgres'."),
        };
    }

    /// <summary>Hosts the grain class <typeparamref name="TGrain"/>.</summary>
    public SiloBuilder AddGrain<TGrain>() where TGrain : Grain
    {
        _grainClasses.Add(typeof(TGrain));
        return this;
    }
}
