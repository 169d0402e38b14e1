namespace Platform.Gateway.Apis;

/// <summary>The body of <c>PUT /api/budget</c>.</summary>
/// <param name="MonthlyCapMicros">The monthly cap in micro-dollars (1 USD = 1,000,000); required.</param>
internal sealed record PutBudgetRequest(long? MonthlyCapMicros);
