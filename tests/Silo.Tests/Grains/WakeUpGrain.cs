namespace Platform.Silo.Tests.Grains;

public sealed class WakeUpGrain : Grain, IWakeUpGrain, IRemindable
{
    public Task ScheduleAsync(string name, TimeSpan dueTime, TimeSpan period) =>
        RegisterOrUpdateReminderAsync(name, dueTime, period);

    public Task<bool> CancelAsync(string name) => UnregisterReminderAsync(name);

    public Task ReceiveReminderAsync(string reminderName, TickStatus status)
    {
        TestGates.Record(PrimaryKey, $"woke:{reminderName}");
        return Task.CompletedTask;
    }
}
