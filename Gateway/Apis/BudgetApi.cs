using Microsoft.AspNetCore.Http.HttpResults;

using Platform.Gateway.Security;
using Platform.Grains.Interfaces.Budget;
using Platform.Grains.Interfaces.Workspaces;

namespace Platform.Gateway.Apis;

/// <summary>The caller's workspace's budget: members see where it stands; admins set the cap and read the ledger and the usage.</summary>
internal static class BudgetApi
{
    private const int MaxLedgerLimit = 1000;

    public static IEndpointRouteBuilder MapBudgetApi(this IEndpointRouteBuilder routes)
    {
        var admin = PlatformPolicies.Scope(ApiKeyScope.Admin);
        var budget = routes.MapGroup("/api/budget").WithTags("Budget");
        budget.MapGet("/", GetBudgetAsync).RequireAuthorization(PlatformPolicies.Scope(ApiKeyScope.Member)).WithName("GetBudget");
        budget.MapPut("/", PutBudgetAsync).RequireAuthorization(admin).WithName("PutBudget");
        budget.MapGet("/ledger", GetLedgerAsync).RequireAuthorization(admin).WithName("GetBudgetLedger");
        budget.MapGet("/usage", GetUsageAsync).RequireAuthorization(admin).WithName("GetBudgetUsage")
            .WithSummary("This period's spend grouped by day (the default), API key or model (groupBy=day|key|model).");
        return routes;
    }

    public static async Task<Ok<BudgetStatus>> GetBudgetAsync(CallerWorkspace caller) =>
        TypedResults.Ok(await caller.Budget.GetStatusAsync());

    public static async Task<Ok<BudgetStatus>> PutBudgetAsync(PutBudgetRequest request, CallerWorkspace caller)
    {
        ArgumentNullException.ThrowIfNull(request);

        // Checked here as well as in the grain so a missing field is named rather than read as a cap of 0.
        if (request.MonthlyCapMicros is not { } cap)
        {
            throw new ArgumentException("monthlyCapMicros is required.", nameof(request));
        }

        return TypedResults.Ok(await caller.Budget.SetCapAsync(cap, caller.Actor));
    }

    public static async Task<Ok<BudgetUsage>> GetUsageAsync(CallerWorkspace caller, string? groupBy = null)
    {
        // Parsed here rather than bound as an enum, so a wrong value is answered with the accepted ones by name.
        var grouping = groupBy switch
        {
            null or "day" => UsageGrouping.Day,
            "key" => UsageGrouping.Key,
            "model" => UsageGrouping.Model,
            _ => throw new ArgumentException("groupBy: the value is not accepted; accepted values are day, key, model.", nameof(groupBy)),
        };
        return TypedResults.Ok(await caller.Budget.GetUsageAsync(grouping));
    }

    public static async Task<Ok<LedgerPage>> GetLedgerAsync(CallerWorkspace caller, long after = 0, int limit = 100)
    {
        if (after < 0)
        {
            throw new ArgumentException("after must not be negative.", nameof(after));
        }

        if (limit is < 1 or > MaxLedgerLimit)
        {
            throw new ArgumentException($"limit must be between 1 and {MaxLedgerLimit}.", nameof(limit));
        }

        return TypedResults.Ok(await caller.Budget.GetLedgerAsync(after, limit));
    }
}
