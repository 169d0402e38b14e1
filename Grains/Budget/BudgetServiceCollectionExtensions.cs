using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Platform.Grains.Budget;

/// <summary>Registers what the budget grain needs besides storage and the bus.</summary>
public static class BudgetServiceCollectionExtensions
{
    /// <summary>Adds the clock the budget's periods and reservations are measured by, unless one is registered.</summary>
    public static IServiceCollection AddBudget(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        return services;
    }
}
