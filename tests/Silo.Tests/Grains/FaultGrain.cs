namespace Platform.Silo.Tests.Grains;

public sealed class FaultGrain : Grain, IFaultGrain
{
    public async Task ThrowAfterAwaitAsync(string message)
    {
        await Task.Yield();
        throw new InvalidOperationException(message);
    }

    public Task<int> ThrowSynchronouslyAsync(int value) =>
        throw new ArgumentOutOfRangeException(nameof(value), value, "out of range");

    public async Task ThrowCustomAsync()
    {
        await Task.Yield();
        throw new BudgetRefusedException("out of budget");
    }

    public async Task<int> WaitForGateAsync()
    {
        await TestGates.Gate(PrimaryKey).Task;
        return 42;
    }

    public Task<int> EchoAsync(int value) => Task.FromResult(value);
}
