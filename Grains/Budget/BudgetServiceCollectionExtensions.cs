using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Platform.Grains.Budget;

/// <summary>Registers what the budget grain needs besides storage.</summary>
public static class BudgetServiceCollectionExtensions
{
    /// <summary>Adds the default (silent) <see cref="IBudgetEvents"/>; one registered earlier, e.g. the message bus, wins.</summary>
    public static IServiceCollection AddBudget(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IBudgetEvents, NoBudgetEvents>();
        return services;
    }
}
