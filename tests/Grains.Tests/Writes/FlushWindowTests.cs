namespace Platform.Grains.Tests.Writes;

public sealed class FlushWindowTests
{
    [Fact]
    public async Task Someone_waiting_for_durability_cuts_the_window_short()
    {
        var window = new FlushWindow(TimeSpan.FromMinutes(10));

        var waiting = window.WaitAsync();
        Assert.False(waiting.IsCompleted);
        window.Hurry();

        await waiting.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task A_hurry_before_the_flush_starts_means_the_flush_does_not_wait_at_all()
    {
        var window = new FlushWindow(TimeSpan.FromMinutes(10));
        window.Hurry();

        var flush = window.WaitAsync();

        Assert.True(flush.IsCompleted);
        await flush;
        var next = window.WaitAsync();
        Assert.False(next.IsCompleted);
        window.Hurry();
        await next.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
    }
}
