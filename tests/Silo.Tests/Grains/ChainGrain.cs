namespace Platform.Silo.Tests.Grains;

[GrainType("test-chain")]
public sealed class ChainGrain : Grain, IChainGrain
{
    private string Key => this.GetPrimaryKeyString();

    public async Task<string> StartAsync(IChainGrain other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return $"{Key}>{await other.BounceAsync(this.AsReference<IChainGrain>())}";
    }

    public async Task<string> BounceAsync(IChainGrain origin)
    {
        ArgumentNullException.ThrowIfNull(origin);
        return $"{Key}>{await origin.EchoAsync()}";
    }

    public Task<string> EchoAsync() => Task.FromResult($"{Key}!");

    public async Task<string> HoldAsync()
    {
        TestGates.Record(Key, "holding");
        await TestGates.Gate(Key).Task;
        TestGates.Record(Key, "released");
        return "released";
    }

    public async Task FailAsync(string reason)
    {
        await Task.Yield();
        throw new ChainRefusedException(reason);
    }
}
