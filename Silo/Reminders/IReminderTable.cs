namespace Platform.Silo.Reminders;

/// <summary>Durable storage for reminders; the silo loads them all on start so they fire after a restart.</summary>
public interface IReminderTable
{
    /// <summary>Every stored reminder.</summary>
    Task<IReadOnlyList<ReminderEntry>> ReadAllAsync(CancellationToken cancellationToken = default);

    /// <summary>Inserts or replaces the reminder with the same grain and name; returns once durable.</summary>
    Task UpsertAsync(ReminderEntry entry, CancellationToken cancellationToken = default);

    /// <summary>Removes a reminder; returns whether one existed.</summary>
    Task<bool> RemoveAsync(GrainId grainId, string name, CancellationToken cancellationToken = default);
}
