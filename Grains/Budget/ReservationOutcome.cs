namespace Platform.Grains.Budget;

/// <summary>How a reservation ended.</summary>
internal enum ReservationOutcome
{
    Settled,
    Released,
    Expired,
}
