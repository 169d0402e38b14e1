namespace Platform.Grains.Budget;

/// <summary>A reservation that ended, remembered so a second settle is refused and a late settle of an expired one still counts.</summary>
internal sealed record ClosedReservation(OpenReservation Reservation, ReservationOutcome Outcome);
