using System.Collections.Concurrent;
using Platform.Grains.Events;
using Platform.Grains.Interfaces.Budget;
using Platform.Grains.Interfaces.Events;
using Platform.Testing;

namespace Platform.Grains.Tests.Budget;

public sealed class PublishedBudgetEventsTests
{
    [Fact]
    public async Task Threshold_and_exhaustion_announcements_are_published_with_spend_cap_and_time()
    {
        var bus = new Recording();
        var time = TestClock.Create();
        var announcer = new PublishedBudgetEvents(bus, time);
        var status = new BudgetStatus("2026-01", 1_000, 750, 0, 250, [50, 75], 0);

        await announcer.ThresholdCrossedAsync("wsa", "2026-01", 75, status);
        await announcer.ExhaustedAsync("wsa", "2026-01", status with { SpentMicros = 1_000, RemainingMicros = 0 });

        Assert.Equal(new BudgetThresholdCrossed("wsa", "2026-01", 75, 750, 1_000, time.GetUtcNow()), bus.Events.OfType<BudgetThresholdCrossed>().Single());
        Assert.Equal(new BudgetExhausted("wsa", "2026-01", 1_000, 1_000, time.GetUtcNow()), bus.Events.OfType<BudgetExhausted>().Single());
    }

    private sealed class Recording : IPlatformEvents
    {
        public ConcurrentQueue<object> Events { get; } = new();

        public Task PublishAsync<T>(T platformEvent, CancellationToken cancellationToken = default) where T : class
        {
            Events.Enqueue(platformEvent);
            return Task.CompletedTask;
        }
    }
}
