namespace Platform.Silo.Tests.Semantics;

/// <summary>
/// Polls on real time with a bounded deadline for what Orleans does on its own threads (a reminder service loading
/// its table, an activation finishing its deactivation), failing with what it waited for.
/// </summary>
internal static class Eventually
{
    public static Task WaitForAsync(Func<bool> condition, string what, int seconds = 20, Action? step = null) =>
        WaitForAsync(() => Task.FromResult(condition()), what, seconds, step);

    // step runs between polls, e.g. to move a fake clock on.
    public static async Task WaitForAsync(Func<Task<bool>> condition, string what, int seconds = 20, Action? step = null)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out after {seconds} s waiting for {what}.");
            }

            step?.Invoke();
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }
}
