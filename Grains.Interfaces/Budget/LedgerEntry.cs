namespace Platform.Grains.Interfaces.Budget;

/// <summary>One settled spend.</summary>
/// <param name="Sequence">Its place in the ledger.</param>
/// <param name="At">When it was settled.</param>
/// <param name="Period">The period it counts against.</param>
/// <param name="ReservationId">The reservation it settled.</param>
/// <param name="Purpose">What it was for.</param>
/// <param name="RunId">The run, if any.</param>
/// <param name="AmountMicros">What it cost.</param>
/// <param name="KeyId">The API key whose call it was, when a key made it (entries older than this field have none).</param>
/// <param name="Model">The catalogue id of the model it paid for, when known (likewise).</param>
[GenerateSerializer, Immutable, Alias("platform.LedgerEntry")]
public sealed record LedgerEntry(long Sequence, DateTimeOffset At, string Period, string ReservationId, string Purpose, string? RunId, long AmountMicros, string? KeyId = null, string? Model = null);
