namespace Platform.Silo.Tests.Grains;

/// <summary>Registers durable reminders and records when they fire.</summary>
public interface IWakeUpGrain : IGrainWithStringKey
{
    /// <summary>Registers reminder <paramref name="name"/> due after <paramref name="dueTime"/>, then every <paramref name="period"/>.</summary>
    Task ScheduleAsync(string name, TimeSpan dueTime, TimeSpan period);

    /// <summary>Removes reminder <paramref name="name"/>.</summary>
    Task<bool> CancelAsync(string name);
}
