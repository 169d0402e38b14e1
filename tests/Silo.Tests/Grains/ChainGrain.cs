namespace Platform.Silo.Tests.Grains;

public sealed class ChainGrain : Grain, IChainGrain
{
    public async Task<string> StartAsync(IChainGrain other)
    {
        await Task.Yield();
        var self = GrainFactory.GetGrain<IChainGrain>(PrimaryKey);
        return $"{PrimaryKey}>{await other.BounceAsync(self)}";
    }

    public async Task<string> BounceAsync(IChainGrain origin)
    {
        await Task.Yield();
        return $"{PrimaryKey}>{await origin.LeafAsync()}";
    }

    public async Task<string> LeafAsync()
    {
        await Task.Yield();
        return $"{PrimaryKey}!";
    }
}
