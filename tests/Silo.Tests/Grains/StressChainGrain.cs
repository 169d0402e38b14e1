namespace Platform.Silo.Tests.Grains;

public sealed class StressChainGrain : Grain, IStressChainGrain
{
    public async Task<string> StartAsync(IStressChainGrain hub, int tag)
    {
        var stats = StressStats.For($"{PrimaryKey}/start");
        stats.Enter();
        await Task.Yield();
        var self = GrainFactory.GetGrain<IStressChainGrain>(PrimaryKey);
        var path = $"{PrimaryKey}>{await hub.BounceAsync(self, tag)}";
        stats.Leave();
        return path;
    }

    public async Task<string> BounceAsync(IStressChainGrain origin, int tag)
    {
        var stats = StressStats.For($"{PrimaryKey}/bounce");
        stats.Enter();
        await Task.Yield();
        var path = $"{PrimaryKey}>{await origin.LeafAsync(tag)}";
        stats.Leave();
        return path;
    }

    public async Task<string> LeafAsync(int tag)
    {
        await Task.Yield();
        return $"{PrimaryKey}!{tag}";
    }
}
