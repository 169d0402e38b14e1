using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Reminders;

namespace Platform.Testing;

/// <summary>
/// Puts a <see cref="FakeTimeProvider"/> where the platform reads time (its grains, their timers, reminders) and
/// leaves Orleans' own machinery (messaging, membership, activation collection) on the real clock: a frozen clock
/// there would stop the silo from starting or from answering.
/// </summary>
public static class TestClock
{
    /// <summary>The start of every test clock unless a test picks another: a fixed instant, so expectations can name dates.</summary>
    public static readonly DateTimeOffset DefaultStart = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>A clock at <see cref="DefaultStart"/> (or <paramref name="start"/>) that moves only when the test says.</summary>
    public static FakeTimeProvider Create(DateTimeOffset? start = null) => new(start ?? DefaultStart);

    /// <summary>Registers <paramref name="time"/> for the platform and the system clock for Orleans' internals.</summary>
    public static IServiceCollection AddTestClock(this IServiceCollection services, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton(time);

        // Orleans resolves its clocks by area key, falling back to "any key"; the last registration wins.
        services.AddKeyedSingleton(KeyedService.AnyKey, TimeProvider.System);
        services.AddKeyedSingleton(ReminderTimeProviderNames.Reminders, time);
        services.AddKeyedSingleton(TimeProviderNames.Grains, time);
        return services;
    }
}
