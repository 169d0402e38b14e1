namespace Platform.Grains;

/// <summary>Orleans removes a reminder by its handle; the grains here remove by name and do not mind if it is gone.</summary>
internal static class GrainReminderExtensions
{
    /// <summary>Removes the reminder <paramref name="reminderName"/> of <paramref name="grain"/> when one is registered.</summary>
    public static async Task UnregisterReminderIfAnyAsync(this Grain grain, string reminderName)
    {
        if (await grain.GetReminder(reminderName) is { } reminder)
        {
            await grain.UnregisterReminder(reminder);
        }
    }
}
