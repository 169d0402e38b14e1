using Microsoft.Extensions.DependencyInjection;

using Platform.Silo.Storage;

namespace Platform.Silo.Membership;

/// <summary>Registers the project's Orleans membership table.</summary>
public static class MembershipServiceCollectionExtensions
{
    /// <summary>
    /// Keeps Orleans membership in the PostgreSQL database of <c>Silo:Postgres</c> (the one grain state, reminders and
    /// the journal use), so the silos of one <c>ClusterId</c> find each other there.
    /// </summary>
    public static IServiceCollection AddPostgresMembership(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        StorageServiceCollectionExtensions.AddPostgresDatabase(services);
        services.AddSingleton<IMembershipTable, PostgresMembershipTable>();
        return services;
    }
}
