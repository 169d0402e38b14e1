using System.Globalization;

namespace Platform.Silo.Tests.Grains;

/// <summary>Records each tick as <c>woke:name@first|current|period</c>, the tick status Orleans delivers.</summary>
[GrainType("test-wakeup")]
public sealed class WakeUpGrain : Grain, IWakeUpGrain, IRemindable
{
    private string Key => this.GetPrimaryKeyString();

    public Task ScheduleAsync(string name, TimeSpan dueTime, TimeSpan period) => this.RegisterOrUpdateReminder(name, dueTime, period);

    public async Task<bool> CancelAsync(string name)
    {
        if (await this.GetReminder(name) is not { } reminder)
        {
            return false;
        }

        await this.UnregisterReminder(reminder);
        return true;
    }

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        TestGates.Record(Key, string.Create(CultureInfo.InvariantCulture, $"woke:{reminderName}@{status.FirstTickTime:O}|{status.CurrentTickTime:O}|{status.Period}"));
        return Task.CompletedTask;
    }
}
