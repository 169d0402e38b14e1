namespace Platform.Silo.Tests.Grains;

public sealed class StressFlakyGrain : Grain, IStressFlakyGrain
{
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var attempt = StressStats.For(PrimaryKey).Activated();
        await TestGates.Gate(PrimaryKey).Task;
        if (attempt == 1)
        {
            throw new StressActivationFailedException($"activation {attempt} of {PrimaryKey} failed");
        }
    }

    public Task<int> EchoAsync(int value) => Task.FromResult(value);
}
