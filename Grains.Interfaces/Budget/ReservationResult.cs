namespace Platform.Grains.Interfaces.Budget;

/// <summary>The outcome of a reservation.</summary>
/// <param name="Granted">Whether the amount is reserved.</param>
/// <param name="ReservationId">The reservation to settle or release, when granted.</param>
/// <param name="Refusal">Why not, when refused ("out of budget: raise the cap to continue", "run cap reached").</param>
/// <param name="Status">The budget after the decision.</param>
[GenerateSerializer, Immutable, Alias("platform.ReservationResult")]
public sealed record ReservationResult(bool Granted, string? ReservationId, string? Refusal, BudgetStatus Status);
