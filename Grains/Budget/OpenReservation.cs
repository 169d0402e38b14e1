namespace Platform.Grains.Budget;

/// <summary>A reservation held in memory until it is settled, released or expires.</summary>
internal sealed record OpenReservation(string Id, long AmountMicros, string Purpose, string? RunId, DateTimeOffset ExpiresAt, string? KeyId = null, string? Model = null);
