namespace Platform.Silo.Reminders;

/// <summary>The in-memory side of a stored reminder: when to try next and whether a delivery is under way.</summary>
internal sealed class ReminderRegistration(ReminderEntry entry)
{
    public ReminderEntry Entry { get; set; } = entry;

    public DateTimeOffset NextAttempt { get; set; } = entry.DueAt;

    public bool InFlight { get; set; }

    public int Failures { get; set; }
}
