namespace Platform.Silo;

/// <summary>
/// Implemented by grains that register reminders: durable wake-ups that re-activate the grain, even after the process
/// restarted, and call <see cref="ReceiveReminderAsync"/>.
/// </summary>
public interface IRemindable : IGrain
{
    /// <summary>Called when the reminder <paramref name="reminderName"/> is due.</summary>
    Task ReceiveReminderAsync(string reminderName, TickStatus status);
}
