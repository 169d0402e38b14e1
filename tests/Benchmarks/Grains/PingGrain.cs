namespace Platform.Benchmarks.Grains;

/// <summary>An empty grain: what an idle activation costs at the least.</summary>
public sealed class PingGrain : Grain, IPingGrain
{
    public Task<int> PingAsync(int value) => Task.FromResult(value + 1);
}
