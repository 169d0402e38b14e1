using Platform.Grains.Interfaces.Runs;

namespace Platform.Security.Tests.Contracts;

/// <summary>Waits for a run to reach a status: runs advance on their own turns, so this polls on real time with a bounded deadline.</summary>
internal static class RunPolling
{
    public static async Task<RunView> WaitForStatusAsync(IGrainFactory grains, string runKey, RunStatus status, TimeSpan? within = null)
    {
        var run = grains.GetGrain<IAgentRunGrain>(runKey);
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(20));
        RunView view;
        do
        {
            view = await run.GetAsync();
            if (view.Status == status)
            {
                return view;
            }

            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
        while (DateTime.UtcNow < deadline);

        Assert.Fail($"Run {runKey} did not reach {status} in time; it is {view.Status} ({view.Error}).");
        return view;
    }
}
