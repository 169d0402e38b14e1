using Platform.Silo.Tests.Grains;
using Platform.Testing;

namespace Platform.Silo.Tests.Runtime;

/// <summary>Each test owns its silo: they move its clock or stop it.</summary>
public sealed class LifecycleTests
{
    private static readonly Dictionary<string, string?> s_collection = new()
    {
        ["Silo:CollectionAge"] = "00:15:00",
        ["Silo:CollectionQuantum"] = "00:01:00",
    };

    [Fact]
    public async Task Activation_idle_for_the_collection_age_is_deactivated_and_the_next_call_reactivates()
    {
        await using var silo = await SiloTestHost.StartAsync(typeof(LifecycleTests).Assembly, settings: s_collection);
        var key = TestGates.NewKey("idle");
        var grain = silo.Grains.GetGrain<ILifecycleGrain>(key);
        var first = await grain.ActivationIdAsync();

        silo.Time.Advance(TimeSpan.FromMinutes(14));
        Assert.Equal(first, await grain.ActivationIdAsync());
        silo.Time.Advance(TimeSpan.FromMinutes(14));
        Assert.DoesNotContain("deactivated:IdleCollection", TestGates.Events(key));

        silo.Time.Advance(TimeSpan.FromMinutes(2));
        await WaitForAsync(() => TestGates.Events(key).Contains("deactivated:IdleCollection"), "idle collection of the grain");

        Assert.NotEqual(first, await grain.ActivationIdAsync());
        Assert.Equal(["activated", "deactivated:IdleCollection", "activated"], TestGates.Events(key));
    }

    [Fact]
    public async Task Activation_holding_a_turn_is_not_collected()
    {
        var settings = new Dictionary<string, string?>(s_collection) { ["Silo:CallTimeout"] = "01:00:00" };
        await using var silo = await SiloTestHost.StartAsync(typeof(LifecycleTests).Assembly, settings: settings);
        var key = TestGates.NewKey("busy");
        var grain = silo.Grains.GetGrain<ILifecycleGrain>(key);
        await grain.ActivationIdAsync();
        var held = grain.HoldTurnAsync();

        silo.Time.Advance(TimeSpan.FromMinutes(20));

        Assert.DoesNotContain("deactivated:IdleCollection", TestGates.Events(key));
        TestGates.Gate(key).SetResult();
        Assert.Equal("finished", await held);
    }

    [Fact]
    public async Task Deactivate_on_idle_gives_the_next_call_a_fresh_activation()
    {
        await using var silo = await SiloTestHost.StartAsync(typeof(LifecycleTests).Assembly);
        var key = TestGates.NewKey("leave");
        var grain = silo.Grains.GetGrain<ILifecycleGrain>(key);
        var first = await grain.ActivationIdAsync();

        await grain.LeaveAsync();
        var second = await grain.ActivationIdAsync();

        Assert.NotEqual(first, second);
        Assert.Equal(["activated", "deactivated:ApplicationRequested", "activated"], TestGates.Events(key));
    }

    [Fact]
    public async Task Graceful_shutdown_lets_running_turns_finish_then_deactivates_every_activation()
    {
        var silo = await SiloTestHost.StartAsync(typeof(LifecycleTests).Assembly);
        var busyKey = TestGates.NewKey("busy");
        var idleKey = TestGates.NewKey("idle");
        await silo.Grains.GetGrain<ILifecycleGrain>(idleKey).ActivationIdAsync();
        var held = silo.Grains.GetGrain<ILifecycleGrain>(busyKey).HoldTurnAsync();
        await WaitForAsync(() => TestGates.Events(busyKey).Contains("holding"), "the busy grain to start its turn");

        var stopping = silo.StopAsync(TestContext.Current.CancellationToken);
        await WaitForAsync(() => TestGates.Events(idleKey).Contains("deactivated:ShuttingDown"), "the idle activation to deactivate");
        Assert.False(stopping.IsCompleted);
        Assert.DoesNotContain("deactivated:ShuttingDown", TestGates.Events(busyKey));

        TestGates.Gate(busyKey).SetResult();
        await stopping.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.Equal("finished", await held);
        Assert.Equal(["activated", "holding", "finished", "deactivated:ShuttingDown"], TestGates.Events(busyKey));
        await Assert.ThrowsAsync<SiloUnavailableException>(() => silo.Grains.GetGrain<ILifecycleGrain>(TestGates.NewKey("late")).ActivationIdAsync());
        await silo.DisposeAsync();
    }

    [Fact]
    public async Task Invalid_silo_options_are_refused_at_start()
    {
        var settings = new Dictionary<string, string?> { ["Silo:CallTimeout"] = "00:00:00" };

        var exception = await Assert.ThrowsAnyAsync<Exception>(() => SiloTestHost.StartAsync(typeof(LifecycleTests).Assembly, settings: settings));

        Assert.Contains("CallTimeout", exception.Message, StringComparison.Ordinal);
    }

    /// <summary>Polls for something that happens on another thread, failing with what it waited for.</summary>
    private static Task WaitForAsync(Func<bool> condition, string what) => Eventually.WaitForAsync(condition, what, seconds: 10);
}
