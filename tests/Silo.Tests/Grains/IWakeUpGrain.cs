namespace Platform.Silo.Tests.Grains;

/// <summary>A grain woken by a durable reminder, as runs resume after a restart.</summary>
public interface IWakeUpGrain : IGrainWithStringKey
{
    Task ScheduleAsync(string name, TimeSpan dueTime, TimeSpan period);

    Task<bool> CancelAsync(string name);
}
