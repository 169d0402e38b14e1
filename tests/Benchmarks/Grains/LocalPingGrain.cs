namespace Platform.Benchmarks.Grains;

/// <summary>An empty grain placed where it is first called from (Orleans' prefer-local placement).</summary>
[GrainType("bench-local-ping")]
[Orleans.Placement.PreferLocalPlacement]
public sealed class LocalPingGrain : Grain, ILocalPingGrain
{
    public Task<int> PingAsync(int value) => Task.FromResult(value + 1);

    public async Task<int> PingManyAsync(string targetKey, int calls)
    {
        var target = GrainFactory.GetGrain<ILocalPingGrain>(targetKey);
        var value = 0;
        for (var i = 0; i < calls; i++)
        {
            value = await target.PingAsync(value);
        }

        return value;
    }

    public Task<string> SiloAsync() => Task.FromResult(RuntimeIdentity);
}
