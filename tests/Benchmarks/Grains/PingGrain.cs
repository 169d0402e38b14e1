namespace Platform.Benchmarks.Grains;

/// <summary>An empty grain: what an idle activation costs at the least.</summary>
[GrainType("bench-ping")]
public sealed class PingGrain : Grain, IPingGrain
{
    public Task<int> PingAsync(int value) => Task.FromResult(value + 1);

    public async Task<int> PingManyAsync(string targetKey, int calls)
    {
        var target = GrainFactory.GetGrain<IPingGrain>(targetKey);
        var value = 0;
        for (var i = 0; i < calls; i++)
        {
            value = await target.PingAsync(value);
        }

        return value;
    }
}
