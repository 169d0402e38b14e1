using Microsoft.Extensions.Time.Testing;

namespace Platform.Grains.Tests;

/// <summary>
/// Waits for something a reminder tick does, on the fake clock. Orleans starts a reminder's local timer only once its
/// next tick falls inside the reminder service's loading window (its list refresher, also on this clock, loads it), and
/// schedules the tick after the clock's present moment: one jump past the due time wakes the refresher, and the tick
/// itself then needs the clock to move again. So the clock moves one <c>step</c> at a time, with a little real time
/// between steps for the silo's own work, until the awaited work completes or the real-time bound passes.
/// </summary>
public static class ReminderTicks
{
    /// <summary>Moves <paramref name="time"/> by <paramref name="step"/> every 50 ms of real time until <paramref name="done"/> completes (at most 30 s).</summary>
    public static async Task<T> AdvanceUntilAsync<T>(FakeTimeProvider time, Task<T> done, TimeSpan step)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(done);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!done.IsCompleted)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The reminder's work did not happen within 30 s of real time.");
            }

            await Task.WhenAny(done, Task.Delay(TimeSpan.FromMilliseconds(50), TestContext.Current.CancellationToken));
            if (!done.IsCompleted)
            {
                time.Advance(step);
            }
        }

        return await done;
    }
}
