namespace Platform.Silo.Tests.Runtime;

/// <summary>Polls for something that happens on another thread, failing with what it waited for after a deadline.</summary>
internal static class Eventually
{
    public static Task WaitForAsync(Func<bool> condition, string what, int seconds) =>
        WaitForAsync(() => Task.FromResult(condition()), what, seconds);

    public static async Task WaitForAsync(Func<Task<bool>> condition, string what, int seconds)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out after {seconds} s waiting for {what}.");
            }

            await Task.Delay(5, TestContext.Current.CancellationToken);
        }
    }
}
