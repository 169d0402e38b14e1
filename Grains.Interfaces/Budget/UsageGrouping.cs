namespace Platform.Grains.Interfaces.Budget;

/// <summary>How <see cref="IBudgetGrain.GetUsageAsync"/> groups a period's spend.</summary>
[GenerateSerializer, Alias("platform.UsageGrouping")]
public enum UsageGrouping
{
    /// <summary>By UTC day of the settle (<c>2026-12-07</c>).</summary>
    Day,

    /// <summary>By the API key that made the call (<see cref="BudgetUsage.Unattributed"/> for spend no key made).</summary>
    Key,

    /// <summary>By the model's catalogue id (<see cref="BudgetUsage.Unattributed"/> where the ledger does not say).</summary>
    Model,
}
